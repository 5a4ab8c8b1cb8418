// Byte-level BPE training kernel: count pre-tokens on all cores, then run the merge loop.
//
// PretokenCounter splits text with a named compiled splitter (pretokenize.h) on std::threads with
// the GIL released, into one StringCounter per worker (64-bit counts, memory grows with distinct
// pre-tokens). Each text is one work unit: the Python layer hands long texts over cut where a
// piece boundary is certain (tokensmith.corpus.cutting), so the counts do not depend on the
// number of threads.
// The merge loop itself is bpe_trainer.h; it must agree with _reference/bpe_train.py.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <atomic>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "bpe_trainer.h"
#include "pretokenize.h"
#include "string_counter.h"
#include "gil.h"
#include "py_text.h"
#include "threads.h"

namespace py = pybind11;
using namespace tokensmith;

namespace {

using Merges = std::vector<std::pair<uint32_t, uint32_t>>;

class PretokenCounter {
public:
    explicit PretokenCounter(const std::string& pattern) : has_pattern_(!pattern.empty()) {
        if (has_pattern_ && !split_pattern_from_name(pattern, pattern_))
            throw py::value_error("unknown compiled split pattern: " + pattern);
    }

    // Splits each text (str or UTF-8 bytes) with the pattern and counts the pieces; each text is
    // one work unit (the Python layer cuts long texts with tokensmith.corpus.cutting first).
    void add_texts(const py::list& texts, int num_threads) {
        if (!has_pattern_) throw py::value_error("this counter has no compiled split pattern");
        // New references: the caller's list may change once the GIL is released.
        std::vector<py::object> held;
        held.reserve(texts.size());
        std::vector<std::string_view> units;
        for (const py::handle& t : texts) {
            held.push_back(py::reinterpret_borrow<py::object>(t));
            units.push_back(utf8_or_bytes_of(t));
        }
        const size_t workers = std::max<size_t>(1, std::min<size_t>(num_threads, units.size()));
        auto lock = lock_counter();
        tokensmith::GilRelease release;
        // Worker 0 counts into the main table; the others into small tables of this call only,
        // folded in at the end (so memory holds one table of all pre-tokens, not one per thread).
        std::vector<std::unique_ptr<StringCounter>> side;
        for (size_t t = 1; t < workers; ++t) side.push_back(std::make_unique<StringCounter>());
        std::atomic<size_t> next{0};
        auto work = [&](StringCounter* counter) {
            for (size_t u; (u = next.fetch_add(1)) < units.size();) {
                const char* base = units[u].data();
                pretokenize(pattern_, base, units[u].size(),
                            [&](size_t b, size_t e) { counter->add(base + b, e - b, 1); });
            }
        };
        tokensmith::ThreadGroup threads;  // a refused thread leaves its share to the others
        for (auto& counter : side)
            if (!threads.spawn(work, counter.get())) break;
        work(&counter_);
        threads.join();
        for (auto& counter : side) counter_.merge_from(*counter);
    }

    // Counts each item (str or bytes) once: pieces already split by the caller.
    void add_pieces(const py::iterable& pieces) {
        auto lock = lock_counter();
        StringCounter& c = counter_;
        for (const py::handle& p : pieces) {
            const std::string_view s = utf8_or_bytes_of(p);
            c.add(s.data(), s.size(), 1);
        }
    }

    // Adds {piece: count}.
    void add_counts(const py::dict& counts) {
        auto lock = lock_counter();
        StringCounter& c = counter_;
        for (const auto& item : counts) {
            const std::string_view s = utf8_or_bytes_of(item.first);
            c.add(s.data(), s.size(), to_count(item.second));
        }
    }

    size_t size() {
        auto lock = lock_counter();
        return counter_.size();
    }

    py::dict counts() {
        auto lock = lock_counter();
        py::dict out;
        counter_.for_each([&](std::string_view k, uint64_t n) {
            out[py::bytes(k.data(), k.size())] = py::int_(n);
        });
        return out;
    }

    // Runs the merge loop on the counts (and empties the counter to free its memory).
    std::vector<std::pair<uint32_t, uint32_t>> train(size_t num_merges, uint64_t min_frequency,
                                                     const py::object& progress, size_t every,
                                                     const Merges& initial_merges, const py::object& allowed) {
        auto trainer = std::make_unique<BPETrainer>();
        auto lock = lock_counter();
        counter_.for_each([&](std::string_view k, uint64_t n) { trainer->add_word(k, n); });
        counter_.clear();
        lock.unlock();
        return run(*trainer, num_merges, min_frequency, progress, every, initial_merges, allowed);
    }

    static uint64_t to_count(const py::handle& h) {
        const py::int_ v = py::reinterpret_borrow<py::object>(h);
        if (v < py::int_(0)) throw py::value_error("counts must be >= 0");
        return v.cast<uint64_t>();
    }

    // Resumes from `initial_merges` (possibly none); `allowed(merged bytes) -> bool` (or None)
    // may refuse merges. The first Python error (in progress or allowed) stops training and is raised.
    static Merges run(BPETrainer& trainer, size_t num_merges, uint64_t min_frequency,
                      const py::object& progress, size_t every, const Merges& initial_merges = {},
                      const py::object& allowed = py::none()) {
        std::exception_ptr error;
        for (size_t k = 0; k < initial_merges.size(); ++k)  // ids must exist before their merge
            if (std::max(initial_merges[k].first, initial_merges[k].second) >= 256 + k)
                throw py::value_error("initial merge " + std::to_string(k) + " uses an id not made yet");
        trainer.resume_from(initial_merges);
        if (!allowed.is_none()) {
            trainer.refuse_unless([&](const std::string& merged) {
                py::gil_scoped_acquire acquire;
                if (error) return false;
                try {
                    return allowed(py::bytes(merged)).cast<bool>();
                } catch (...) {
                    error = std::current_exception();
                    return false;
                }
            });
        }
        auto on_progress = [&](size_t done) {
            py::gil_scoped_acquire acquire;
            if (error) return false;
            try {
                if (PyErr_CheckSignals() != 0) throw py::error_already_set();
                if (!progress.is_none()) progress(done);
            } catch (...) {
                error = std::current_exception();
                return false;
            }
            return true;
        };
        std::vector<std::pair<uint32_t, uint32_t>> merges;
        {
            tokensmith::GilRelease release;
            merges = trainer.train(num_merges, min_frequency, every, on_progress);
        }
        if (error) std::rethrow_exception(error);
        if (!progress.is_none()) progress(merges.size());
        return merges;
    }

private:
    // One caller at a time may use the counter (threads may share one). The lock is taken with
    // the GIL released: a thread waiting for it while holding the GIL would deadlock with the
    // holder, which needs the GIL back before it can return.
    std::unique_lock<std::mutex> lock_counter() {
        std::unique_lock<std::mutex> lock(mutex_, std::defer_lock);
        tokensmith::GilRelease release;
        lock.lock();
        return lock;
    }

    std::mutex mutex_;
    bool has_pattern_;
    SplitPattern pattern_ = SplitPattern::CL100K;
    StringCounter counter_;
};

Merges train_from_counts(const py::list& keys, const py::list& counts, size_t num_merges,
                         uint64_t min_frequency, const py::object& progress, size_t every,
                         const Merges& initial_merges, const py::object& allowed) {
    if (keys.size() != counts.size()) throw py::value_error("keys and counts differ in length");
    BPETrainer trainer;
    for (size_t i = 0; i < keys.size(); ++i) {
        const std::string_view s = utf8_or_bytes_of(keys[i]);
        trainer.add_word(s, PretokenCounter::to_count(counts[i]));
    }
    return PretokenCounter::run(trainer, num_merges, min_frequency, progress, every, initial_merges, allowed);
}

}  // namespace

PYBIND11_MODULE(_bpe_train, m) {
    m.doc() = "Byte-level BPE training: parallel pre-token counting and the merge loop.";
    py::class_<PretokenCounter>(m, "PretokenCounter")
        .def(py::init<const std::string&>(), py::arg("pattern") = "",
             "pattern: a compiled splitter name (gpt2, cl100k, o200k, llama3) or '' for none")
        .def("add_texts", &PretokenCounter::add_texts, py::arg("texts"), py::arg("num_threads") = 1)
        .def("add_pieces", &PretokenCounter::add_pieces, py::arg("pieces"))
        .def("add_counts", &PretokenCounter::add_counts, py::arg("counts"))
        .def("counts", &PretokenCounter::counts)
        .def("__len__", &PretokenCounter::size)
        .def("train", &PretokenCounter::train, py::arg("num_merges"), py::arg("min_frequency") = 2,
             py::arg("progress") = py::none(), py::arg("every") = 256,
             py::arg("initial_merges") = Merges{}, py::arg("allowed") = py::none());
    m.def("train_from_counts", &train_from_counts, py::arg("keys"), py::arg("counts"),
          py::arg("num_merges"), py::arg("min_frequency") = 2, py::arg("progress") = py::none(),
          py::arg("every") = 256, py::arg("initial_merges") = Merges{}, py::arg("allowed") = py::none());
}
