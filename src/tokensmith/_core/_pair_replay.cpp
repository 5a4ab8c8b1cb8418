// Replaying a BPE merge list over weighted words, recording every pair's count change at every
// step (data-mixture inference needs each merge's competitors as the text stood just before it).
// Must agree with its readable twin src/tokensmith/_reference/pair_replay.py, which documents the
// result. Fast for the same reasons as the trainer (include/bpe_trainer.h): counts change only
// around the places a merge happens, and a pair -> words index says where those are (entries may
// be stale: a word that lost the pair is visited and skipped).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "bpe_trainer.h"
#include "gil.h"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace py = pybind11;

namespace {

using tokensmith::PairIndexMap;

class Replay {
public:
    Replay(std::vector<uint32_t> symbols, const std::vector<int64_t>& offsets, std::vector<int64_t> weights)
        : syms_(std::move(symbols)), weights_(std::move(weights)) {
        const size_t n = weights_.size();
        start_.resize(n);
        len_.resize(n);
        for (size_t w = 0; w < n; ++w) {
            start_[w] = static_cast<size_t>(offsets[w]);
            len_[w] = static_cast<uint32_t>(offsets[w + 1] - offsets[w]);
        }
        for (uint32_t w = 0; w < n; ++w) {
            const uint32_t* s = &syms_[start_[w]];
            for (uint32_t i = 0; i + 1 < len_[w]; ++i) {
                const uint32_t p = pair_index(s[i], s[i + 1]);
                count_[p] += weights_[w];
                if (words_[p].empty() || words_[p].back() != w) words_[p].push_back(w);
            }
        }
        initial_ = count_;
    }

    void run(const std::vector<uint32_t>& merges, uint32_t first_new) {
        const size_t steps = merges.size() / 2;
        step_starts_.push_back(0);
        for (size_t t = 0; t < steps; ++t) {
            const uint32_t a = merges[2 * t], b = merges[2 * t + 1];
            const uint32_t c = first_new + static_cast<uint32_t>(t);
            const uint32_t best = map_.find(key(a, b));
            if (best == PairIndexMap::kNone) {
                merged_.push_back(0);
                step_starts_.push_back(delta_pair_.size());
                continue;
            }
            merged_.push_back(count_[best]);
            apply(best, a, b, c, t);
            for (uint32_t p : touched_) {
                if (step_delta_[p] != 0) {
                    delta_pair_.push_back(p);
                    delta_count_.push_back(step_delta_[p]);
                    step_delta_[p] = 0;
                }
            }
            touched_.clear();
            step_starts_.push_back(delta_pair_.size());
        }
    }

    py::dict result() const {
        py::dict out;
        out["left"] = array_of(left_);
        out["right"] = array_of(right_);
        std::vector<int64_t> initial(initial_);
        initial.resize(count_.size(), 0);  // pairs first made by a merge started at 0
        out["initial"] = array_of(initial);
        out["step_starts"] = array_of(step_starts_);
        out["delta_pair"] = array_of(delta_pair_);
        out["delta_count"] = array_of(delta_count_);
        out["merged"] = array_of(merged_);
        return out;
    }

private:
    static uint64_t key(uint32_t a, uint32_t b) { return (uint64_t(a) << 32) | b; }

    template <class T>
    static py::array_t<T> array_of(const std::vector<T>& v) {
        py::array_t<T> a(static_cast<py::ssize_t>(v.size()));
        std::copy(v.begin(), v.end(), a.mutable_data());
        return a;
    }

    uint32_t pair_index(uint32_t a, uint32_t b) {
        auto [idx, inserted] = map_.find_or_insert(key(a, b), static_cast<uint32_t>(left_.size()));
        if (inserted) {
            left_.push_back(a);
            right_.push_back(b);
            count_.push_back(0);
            step_delta_.push_back(0);
            mark_.push_back(UINT64_MAX);
            words_.emplace_back();
        }
        return idx;
    }

    void add(uint32_t a, uint32_t b, int64_t delta, uint32_t w, uint64_t t) {
        const uint32_t p = pair_index(a, b);
        count_[p] += delta;
        step_delta_[p] += delta;
        if (mark_[p] != t) {
            mark_[p] = t;
            touched_.push_back(p);
        }
        if (delta > 0 && (words_[p].empty() || words_[p].back() != w)) words_[p].push_back(w);
    }

    // Replaces (a, b) by c in every word holding it, left to right without overlap.
    void apply(uint32_t best, uint32_t a, uint32_t b, uint32_t c, uint64_t t) {
        std::vector<uint32_t> visit;
        visit.swap(words_[best]);
        int64_t removed = 0;
        for (uint32_t w : visit) {
            uint32_t* s = &syms_[start_[w]];
            const uint32_t n = len_[w];
            const int64_t f = weights_[w];
            uint32_t out = 0, i = 0;
            while (i < n) {
                if (i + 1 < n && s[i] == a && s[i + 1] == b) {
                    if (out > 0) {
                        add(s[out - 1], a, -f, w, t);
                        add(s[out - 1], c, f, w, t);
                    }
                    if (i + 2 < n) {
                        add(b, s[i + 2], -f, w, t);
                        add(c, s[i + 2], f, w, t);
                    }
                    removed += f;
                    s[out++] = c;
                    i += 2;
                } else {
                    s[out++] = s[i++];
                }
            }
            len_[w] = out;
        }
        if (removed) {
            count_[best] -= removed;
            step_delta_[best] -= removed;
            if (mark_[best] != t) {
                mark_[best] = t;
                touched_.push_back(best);
            }
        }
    }

    std::vector<uint32_t> syms_;
    std::vector<int64_t> weights_;
    std::vector<size_t> start_;
    std::vector<uint32_t> len_;
    PairIndexMap map_;
    std::vector<uint32_t> left_, right_;
    std::vector<int64_t> count_, initial_, step_delta_;
    std::vector<uint64_t> mark_;
    std::vector<std::vector<uint32_t>> words_;
    std::vector<uint32_t> touched_;
    std::vector<int64_t> step_starts_, merged_;
    std::vector<int64_t> delta_pair_, delta_count_;
};

template <class T>
std::vector<T> vector_of(const py::array& a, const char* what) {
    const auto arr = py::array_t<T, py::array::c_style | py::array::forcecast>::ensure(a);
    if (!arr) throw py::value_error(std::string(what) + ": not convertible to an array");
    return std::vector<T>(arr.data(), arr.data() + arr.size());
}

py::dict replay(const py::array& symbols, const py::array& offsets, const py::array& weights,
                const py::array& merges, uint32_t first_new) {
    std::vector<uint32_t> syms = vector_of<uint32_t>(symbols, "symbols");
    const std::vector<int64_t> offs = vector_of<int64_t>(offsets, "offsets");
    std::vector<int64_t> wts = vector_of<int64_t>(weights, "weights");
    const std::vector<uint32_t> pairs = vector_of<uint32_t>(merges, "merges");
    if (offs.size() != wts.size() + 1) throw py::value_error("offsets must have one entry more than weights");
    if (pairs.size() % 2) throw py::value_error("merges must be (left, right) pairs");
    if (!offs.empty() && (offs.front() != 0 || offs.back() != static_cast<int64_t>(syms.size())))
        throw py::value_error("offsets must run from 0 to the number of symbols");
    for (size_t w = 0; w + 1 < offs.size(); ++w)
        if (offs[w + 1] < offs[w] || offs[w + 1] - offs[w] > INT32_MAX)
            throw py::value_error("offsets must not decrease");
    for (int64_t f : wts)
        if (f < 0) throw py::value_error("weights must be >= 0");
    std::unique_ptr<Replay> r;
    {
        tokensmith::GilRelease release;
        r = std::make_unique<Replay>(std::move(syms), offs, std::move(wts));
        r->run(pairs, first_new);
    }
    return r->result();
}

}  // namespace

PYBIND11_MODULE(_pair_replay, m) {
    m.doc() = "A BPE merge list replayed over weighted words, with every pair's count at every step.";
    m.def("replay", &replay, py::arg("symbols"), py::arg("offsets"), py::arg("weights"), py::arg("merges"),
          py::arg("first_new"),
          "symbols: the words' symbol ids end to end; offsets: where each word starts (and the end);\n"
          "weights: how often each word is seen; merges: (T, 2) pairs; merge t makes first_new + t.");
}
