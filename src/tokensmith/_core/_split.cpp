// tokensmith._core._split: the compiled pre-tokenizer (pretokenize.h) for Python strings.
//
//   split(name, text) -> list[str]     pieces of `text` under the named pattern
//   count_pieces(name, text) -> int    how many pieces (for benchmarks: no Python objects built)
//
// Names: gpt2, r50k, p50k, cl100k, llama3, o200k. The GIL is released while splitting.
#include <pybind11/pybind11.h>

#include <string>
#include <vector>

#include "pretokenize.h"

namespace py = pybind11;
using tokensmith::SplitPattern;

namespace {

[[noreturn]] void raise_tokensmith(const char* error_class, const std::string& message) {
    py::object cls = py::module_::import("tokensmith.errors").attr(error_class);
    py::object err = cls(message);
    PyErr_SetObject(cls.ptr(), err.ptr());
    throw py::error_already_set();
}

SplitPattern pattern_named(const std::string& name) {
    SplitPattern p;
    if (!tokensmith::split_pattern_from_name(name, p))
        raise_tokensmith("OptionError", "unknown split pattern name '" + name +
                                            "' (known: gpt2, r50k, p50k, cl100k, llama3, o200k)");
    return p;
}

// The UTF-8 bytes of a str (cached by Python in the object); a clear error for lone surrogates.
std::string_view utf8_of(const py::str& text) {
    Py_ssize_t size = 0;
    const char* data = PyUnicode_AsUTF8AndSize(text.ptr(), &size);
    if (data) return {data, size_t(size)};
    PyErr_Clear();
    const Py_ssize_t length = PyUnicode_GetLength(text.ptr());
    const int kind = PyUnicode_KIND(text.ptr());
    const void* chars = PyUnicode_DATA(text.ptr());
    for (Py_ssize_t i = 0; i < length; ++i) {
        const Py_UCS4 c = PyUnicode_READ(kind, chars, i);
        if (c >= 0xD800 && c <= 0xDFFF) {
            char code[8];
            snprintf(code, sizeof code, "%04X", unsigned(c));
            raise_tokensmith("InputError", "text has a lone surrogate U+" + std::string(code) +
                                               " at character " + std::to_string(i) +
                                               ", which is not valid Unicode text");
        }
    }
    raise_tokensmith("InputError", "text cannot be encoded as UTF-8");
}

py::list split(const std::string& name, const py::str& text) {
    const SplitPattern p = pattern_named(name);
    const std::string_view s = utf8_of(text);
    std::vector<size_t> ends;
    {
        py::gil_scoped_release release;
        ends.reserve(s.size() / 4 + 1);
        tokensmith::pretokenize(p, s.data(), s.size(), [&](size_t, size_t end) { ends.push_back(end); });
    }
    py::list pieces(ends.size());
    size_t begin = 0;
    for (size_t k = 0; k < ends.size(); ++k) {
        PyObject* piece = PyUnicode_DecodeUTF8(s.data() + begin, Py_ssize_t(ends[k] - begin), "strict");
        if (!piece) throw py::error_already_set();
        PyList_SET_ITEM(pieces.ptr(), Py_ssize_t(k), piece);
        begin = ends[k];
    }
    return pieces;
}

size_t count_pieces(const std::string& name, const py::str& text) {
    const SplitPattern p = pattern_named(name);
    const std::string_view s = utf8_of(text);
    py::gil_scoped_release release;
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
