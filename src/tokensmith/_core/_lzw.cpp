// tokensmith._core._lzw: LZW over token ids (zip2zip's hypertokens). Readable twin:
// tokensmith._reference.lzw (Encoder, Decoder); the rules are explained there.
//
//   Encoder(vocab, capacity, max_subtokens, disabled)   .feed(ids) -> codes, .finish() -> codes,
//                                                       .codebook() -> {code: (ids...)}
//   Decoder(vocab, capacity, max_subtokens, disabled)   .feed(codes) -> ids, .codebook()
//   encode_batch(sequences, vocab, capacity, max_subtokens, disabled, threads) -> [codes, ...]
//   decode_batch(sequences, vocab, capacity, max_subtokens, disabled, threads) -> [ids, ...]
//
// Ids and codes are sequences of ints or NumPy integer arrays. Bad input is tokensmith's
// InputError with the twin's message; the settings are checked by tokensmith.adaptive.zip2zip.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "gil.h"
#include "py_errors.h"
#include "threads.h"

namespace py = pybind11;

namespace {

struct Settings {
    int64_t vocab, capacity, max_subtokens;
    std::vector<bool> disabled;  // by base id

    Settings(int64_t v, int64_t c, int64_t m, const std::vector<int64_t>& off)
        : vocab(v), capacity(c), max_subtokens(m), disabled(size_t(v), false) {
        for (int64_t id : off)
            if (id >= 0 && id < v) disabled[size_t(id)] = true;
    }
    bool is_disabled(int64_t id) const { return id >= 0 && id < vocab && disabled[size_t(id)]; }
};

// Ints of a Python sequence or NumPy array (read with the GIL held).
std::vector<int64_t> read_ints(const py::handle& obj) {
    if (py::isinstance<py::array>(obj)) {
        auto arr = py::array_t<int64_t, py::array::c_style | py::array::forcecast>::ensure(obj);
        if (!arr) throw py::error_already_set();
        return std::vector<int64_t>(arr.data(), arr.data() + arr.size());
    }
    py::object seq = py::reinterpret_steal<py::object>(PySequence_Fast(obj.ptr(), "ids must be a sequence of ints"));
    if (!seq) throw py::error_already_set();
    const Py_ssize_t n = PySequence_Fast_GET_SIZE(seq.ptr());
    PyObject** items = PySequence_Fast_ITEMS(seq.ptr());
    std::vector<int64_t> out(static_cast<size_t>(n));
    for (Py_ssize_t k = 0; k < n; ++k) {
        PyObject* index = PyNumber_Index(items[k]);
        if (!index) throw py::error_already_set();
        int overflow = 0;
        long long v = PyLong_AsLongLongAndOverflow(index, &overflow);
        Py_DECREF(index);
        if (v == -1 && PyErr_Occurred()) throw py::error_already_set();
        out[size_t(k)] = overflow > 0 ? INT64_MAX : overflow < 0 ? INT64_MIN : v;
    }
    return out;
}

py::list to_list(const std::vector<int64_t>& values) {
    py::list out(values.size());
    for (size_t k = 0; k < values.size(); ++k) out[k] = py::int_(values[k]);
    return out;
}

// An error found without the GIL: raised as InputError once it is held again.
struct Problem {
    bool found = false;
    std::string message;
};

class Encoder {
  public:
    explicit Encoder(const Settings& s) : s_(s) {}

    // Codes of `ids` appended to `out`; false (and `problem` set, state unchanged) on a bad id.
    bool feed(const std::vector<int64_t>& ids, std::vector<int64_t>& out, Problem& problem) {
        if (finished_) {
            problem = {true, "the LZW stream is finished: start a new encoder"};
            return false;
        }
        for (size_t k = 0; k < ids.size(); ++k) {
            if (ids[k] < 0 || ids[k] >= s_.vocab) {
                problem = {true, "token id " + std::to_string(ids[k]) + " at position " +
                                     std::to_string(fed_ + int64_t(k)) + " is out of range (initial_vocab_size " +
                                     std::to_string(s_.vocab) + ")"};
                return false;
            }
        }
        fed_ += int64_t(ids.size());
        for (int64_t token : ids) {
            if (s_.disabled[size_t(token)]) {
                if (code_ >= 0) out.push_back(code_);
                out.push_back(token);
                code_ = -1;
                continue;
            }
            if (code_ < 0) {
                code_ = token;
                length_ = 1;
            } else {
                const uint64_t key = (uint64_t(code_) << 32) | uint64_t(token);
                auto known = table_.find(key);
                if (known != table_.end()) {
                    code_ = known->second;
                    ++length_;
                } else {
                    if (int64_t(parent_.size()) < s_.capacity) {
                        table_.emplace(key, s_.vocab + int64_t(parent_.size()));
                        parent_.push_back(code_);
                        last_.push_back(token);
                    }
                    out.push_back(code_);
                    code_ = token;
                    length_ = 1;
                }
            }
            if (length_ == s_.max_subtokens) {
                out.push_back(code_);
                code_ = -1;
            }
        }
        return true;
    }

    void finish(std::vector<int64_t>& out) {
        finished_ = true;
        if (code_ >= 0) out.push_back(code_);
        code_ = -1;
    }

    py::dict codebook() const {
        py::dict out;
        for (size_t k = 0; k < parent_.size(); ++k) {
            std::vector<int64_t> ids{last_[k]};
            for (int64_t c = parent_[k]; ; c = parent_[size_t(c - s_.vocab)]) {
                if (c < s_.vocab) {
                    ids.push_back(c);
                    break;
                }
                ids.push_back(last_[size_t(c - s_.vocab)]);
            }
            std::reverse(ids.begin(), ids.end());
            out[py::int_(s_.vocab + int64_t(k))] = py::tuple(to_list(ids));
        }
        return out;
    }

  private:
    Settings s_;
    std::unordered_map<uint64_t, int64_t> table_;  // (prefix code << 32 | id) -> code
    std::vector<int64_t> parent_, last_;           // entry k = spelling of parent_[k], then last_[k]
    int64_t code_ = -1, length_ = 0, fed_ = 0;
    bool finished_ = false;
};

class Decoder {
  public:
    explicit Decoder(const Settings& s) : s_(s) {}

    bool feed(const std::vector<int64_t>& codes, std::vector<int64_t>& out, Problem& problem) {
        for (int64_t code : codes) {
            if (s_.is_disabled(code)) {
                out.push_back(code);
                previous_.clear();
                ++fed_;
                continue;
            }
            const int64_t made = int64_t(lengths_.size());
            const bool pending = !previous_.empty() && int64_t(previous_.size()) < s_.max_subtokens &&
                                 made < s_.capacity;
            current_.clear();
            if (code >= 0 && code < s_.vocab) {
                current_.push_back(code);
            } else if (code >= s_.vocab && code < s_.vocab + made) {
                const size_t k = size_t(code - s_.vocab);
                const int64_t* start = flat_.data() + k * size_t(s_.max_subtokens);
                current_.assign(start, start + lengths_[k]);
            } else if (pending && code == s_.vocab + made) {
                current_ = previous_;
                current_.push_back(previous_[0]);
            } else {
                problem = {true, "code " + std::to_string(code) + " at position " + std::to_string(fed_) +
                                     " is not defined (base ids 0.." + std::to_string(s_.vocab - 1) +
                                     ", next hypertoken " + std::to_string(s_.vocab + made) + ")"};
                return false;
            }
            if (pending) {
                const size_t at = flat_.size();
                flat_.resize(at + size_t(s_.max_subtokens), 0);
                std::copy(previous_.begin(), previous_.end(), flat_.begin() + at);
                flat_[at + previous_.size()] = current_[0];
                lengths_.push_back(int64_t(previous_.size()) + 1);
            }
            previous_.swap(current_);
            out.insert(out.end(), previous_.begin(), previous_.end());
            ++fed_;
        }
        return true;
    }

    py::dict codebook() const {
        py::dict out;
        for (size_t k = 0; k < lengths_.size(); ++k) {
            const int64_t* start = flat_.data() + k * size_t(s_.max_subtokens);
            out[py::int_(s_.vocab + int64_t(k))] =
                py::tuple(to_list(std::vector<int64_t>(start, start + lengths_[k])));
        }
        return out;
    }

  private:
    Settings s_;
    std::vector<int64_t> flat_;     // entry k at [k * max_subtokens, + lengths_[k])
    std::vector<int64_t> lengths_;
    std::vector<int64_t> previous_, current_;
    int64_t fed_ = 0;
};

void raise_problem(const Problem& problem) { tokensmith::raise_tokensmith("InputError", problem.message); }

class PyEncoder {
  public:
    PyEncoder(int64_t v, int64_t c, int64_t m, const std::vector<int64_t>& off) : e_(Settings(v, c, m, off)) {}
    py::list feed(const py::object& ids) {
        std::vector<int64_t> in = read_ints(ids), out;
        Problem problem;
        if (!e_.feed(in, out, problem)) raise_problem(problem);
        return to_list(out);
    }
    py::list finish() {
        std::vector<int64_t> out;
        e_.finish(out);
        return to_list(out);
    }
    py::dict codebook() const { return e_.codebook(); }

  private:
    Encoder e_;
};

class PyDecoder {
  public:
    PyDecoder(int64_t v, int64_t c, int64_t m, const std::vector<int64_t>& off) : d_(Settings(v, c, m, off)) {}
    py::list feed(const py::object& codes) {
        std::vector<int64_t> in = read_ints(codes), out;
        Problem problem;
        if (!d_.feed(in, out, problem)) raise_problem(problem);
        return to_list(out);
    }
    py::dict codebook() const { return d_.codebook(); }

  private:
    Decoder d_;
};

// Each sequence with its own codebook, sequences shared out to `threads` threads.
template <class Run>
py::list batch(const py::object& sequences, int64_t threads, Run run) {
    std::vector<std::vector<int64_t>> in;
    for (py::handle seq : sequences) in.push_back(read_ints(seq));
    std::vector<std::vector<int64_t>> out(in.size());
    std::vector<Problem> problems(in.size());
    {
        tokensmith::GilRelease nogil;
        std::atomic<size_t> next{0};
        auto work = [&]() {
            for (size_t k; (k = next.fetch_add(1)) < in.size();) run(in[k], out[k], problems[k]);
        };
        tokensmith::ThreadGroup group;
        const int64_t extra = std::min<int64_t>(std::max<int64_t>(threads, 1), int64_t(in.size())) - 1;
        for (int64_t t = 0; t < extra; ++t)
            if (!group.spawn(work)) break;
        work();
        group.join();
    }
    for (size_t k = 0; k < in.size(); ++k)
        if (problems[k].found) raise_problem({true, "sequence " + std::to_string(k) + ": " + problems[k].message});
    py::list result(out.size());
    for (size_t k = 0; k < out.size(); ++k) result[k] = to_list(out[k]);
    return result;
}

py::list encode_batch(const py::object& sequences, int64_t v, int64_t c, int64_t m,
                      const std::vector<int64_t>& off, int64_t threads) {
    const Settings s(v, c, m, off);
    return batch(sequences, threads, [&](const std::vector<int64_t>& ids, std::vector<int64_t>& out, Problem& p) {
        Encoder e(s);
        if (e.feed(ids, out, p)) e.finish(out);
    });
}

py::list decode_batch(const py::object& sequences, int64_t v, int64_t c, int64_t m,
                      const std::vector<int64_t>& off, int64_t threads) {
    const Settings s(v, c, m, off);
    return batch(sequences, threads, [&](const std::vector<int64_t>& codes, std::vector<int64_t>& out, Problem& p) {
        Decoder d(s);
        d.feed(codes, out, p);
    });
}

}  // namespace

PYBIND11_MODULE(_lzw, m) {
    m.doc() = "LZW over token ids, zip2zip's hypertokens (twin of _reference/lzw.py)";
    py::class_<PyEncoder>(m, "Encoder")
        .def(py::init<int64_t, int64_t, int64_t, const std::vector<int64_t>&>())
        .def("feed", &PyEncoder::feed, py::arg("ids"))
        .def("finish", &PyEncoder::finish)
        .def("codebook", &PyEncoder::codebook);
    py::class_<PyDecoder>(m, "Decoder")
        .def(py::init<int64_t, int64_t, int64_t, const std::vector<int64_t>&>())
        .def("feed", &PyDecoder::feed, py::arg("codes"))
        .def("codebook", &PyDecoder::codebook);
    m.def("encode_batch", &encode_batch);
    m.def("decode_batch", &decode_batch);
}
