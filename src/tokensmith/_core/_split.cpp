// tokensmith._core._split: the compiled pre-tokenizer (pretokenize.h) for Python strings.
//
//   split(name, text) -> list[str]     pieces of `text` under the named pattern
//   count_pieces(name, text) -> int    how many pieces (for benchmarks: no Python objects built)
//
// Names: gpt2, r50k, p50k, cl100k, llama3, o200k. The GIL is released while splitting.
#include <pybind11/pybind11.h>

#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "gil.h"
#include "pretokenize.h"
#include "py_errors.h"
#include "py_text.h"

namespace py = pybind11;
using tokensmith::SplitPattern;

namespace {

SplitPattern pattern_named(const std::string& name) {
    SplitPattern p;
    if (!tokensmith::split_pattern_from_name(name, p))
        tokensmith::raise_tokensmith("OptionError", "unknown split pattern name '" + name +
                                            "' (known: gpt2, r50k, p50k, cl100k, llama3, o200k)");
    return p;
}

// The UTF-8 of `text`; a lone surrogate is the InputError of tokensmith.errors.lone_surrogate
// (this module is also called directly, without a Python layer to translate the error).
std::string_view text_utf8(const py::str& text) {
    try {
        return tokensmith::utf8_of(text);
    } catch (py::error_already_set& e) {
        if (!e.matches(PyExc_UnicodeEncodeError)) throw;
        tokensmith::raise_error(py::module_::import("tokensmith.errors").attr("lone_surrogate")(e.value()));
    }
}

// Short pieces repeat a lot in real text (" the", ","): a direct-mapped cache hands out the same
// immutable str object again instead of building a new one each time.
class PieceCache {
  public:
    static constexpr size_t kMaxLen = 16, kSlots = 8192;
    PieceCache() : slots_(kSlots) {}
    ~PieceCache() {
        for (Slot& slot : slots_) Py_XDECREF(slot.piece);
    }
    // A new reference to the str of UTF-8 bytes s[0..n), or nullptr with a Python error set.
    PyObject* get(const char* s, size_t n, bool ascii) {
        if (n > kMaxLen) return make(s, n, ascii);
        // A byte loop, not hash_bytes: for these few bytes it is measurably faster (bench_split).
        uint64_t h = 1469598103934665603ull;
        for (size_t k = 0; k < n; ++k) h = (h ^ uint8_t(s[k])) * 1099511628211ull;
        Slot& slot = slots_[(h ^ (h >> 29)) & (kSlots - 1)];
        if (slot.piece && slot.len == n && memcmp(slot.bytes, s, n) == 0) {
            Py_INCREF(slot.piece);
            return slot.piece;
        }
        PyObject* piece = make(s, n, ascii);
        if (!piece) return nullptr;
        Py_XDECREF(slot.piece);
        Py_INCREF(piece);
        slot.piece = piece;
        slot.len = n;
        memcpy(slot.bytes, s, n);
        return piece;
    }

  private:
    struct Slot {
        PyObject* piece = nullptr;
        size_t len = 0;
        char bytes[kMaxLen];
    };
    static PyObject* make(const char* s, size_t n, bool ascii) {
        if (!ascii) return PyUnicode_DecodeUTF8(s, Py_ssize_t(n), "strict");
        PyObject* piece = PyUnicode_New(Py_ssize_t(n), 127);
        if (piece) memcpy(PyUnicode_1BYTE_DATA(piece), s, n);
        return piece;
    }
    std::vector<Slot> slots_;
};

py::list split(const std::string& name, const py::str& text) {
    const SplitPattern p = pattern_named(name);
    const std::string_view s = text_utf8(text);
    std::vector<size_t> ends;
    {
        tokensmith::GilRelease release;
        ends.reserve(s.size() / 4 + 1);
        tokensmith::pretokenize(p, s.data(), s.size(), [&](size_t, size_t end) { ends.push_back(end); });
    }
    py::list pieces(ends.size());
    const bool ascii = PyUnicode_IS_ASCII(text.ptr());  // then pieces are copies of byte ranges
    PieceCache cache;
    size_t begin = 0;
    for (size_t k = 0; k < ends.size(); ++k) {
        PyObject* piece = cache.get(s.data() + begin, ends[k] - begin, ascii);
        if (!piece) throw py::error_already_set();
        PyList_SET_ITEM(pieces.ptr(), Py_ssize_t(k), piece);
        begin = ends[k];
    }
    return pieces;
}

size_t count_pieces(const std::string& name, const py::str& text) {
    const SplitPattern p = pattern_named(name);
    const std::string_view s = text_utf8(text);
    tokensmith::GilRelease release;
    size_t count = 0;
    tokensmith::pretokenize(p, s.data(), s.size(), [&](size_t, size_t) { ++count; });
    return count;
}

}  // namespace

PYBIND11_MODULE(_split, m) {
    m.doc() = "Compiled pre-tokenizer: the pieces regex.findall gives for the named split patterns.";
    m.def("split", &split, py::arg("name"), py::arg("text"),
          "Pieces of `text` under the named split pattern (gpt2, r50k, p50k, cl100k, llama3, o200k).");
    m.def("count_pieces", &count_pieces, py::arg("name"), py::arg("text"),
          "Number of pieces `split(name, text)` would return, without building them.");
}
