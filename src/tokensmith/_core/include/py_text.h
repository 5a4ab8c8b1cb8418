// A Python str's UTF-8, viewed without copying: CPython keeps the UTF-8 with the str object, so
// the view stays valid while the object lives (hold a reference before releasing the GIL).
#pragma once
#include <pybind11/pybind11.h>

#include <string>
#include <string_view>

namespace tokensmith {

// TypeError for a non-str; UnicodeEncodeError for a lone surrogate, as str.encode raises (the
// Python layer turns it into tokensmith.errors.lone_surrogate's InputError).
inline std::string_view utf8_of(pybind11::handle text) {
    if (!PyUnicode_Check(text.ptr()))
        throw pybind11::type_error(std::string("expected str, got ") + Py_TYPE(text.ptr())->tp_name);
    Py_ssize_t n = 0;
    const char* p = PyUnicode_AsUTF8AndSize(text.ptr(), &n);
    if (p == nullptr) throw pybind11::error_already_set();
    return {p, static_cast<size_t>(n)};
}

// A str's UTF-8 (as utf8_of) or a bytes object's contents (taken as UTF-8 already).
inline std::string_view utf8_or_bytes_of(pybind11::handle obj) {
    if (PyBytes_Check(obj.ptr())) {
        char* p = nullptr;
        Py_ssize_t n = 0;
        if (PyBytes_AsStringAndSize(obj.ptr(), &p, &n) != 0) throw pybind11::error_already_set();
        return {p, static_cast<size_t>(n)};
    }
    if (!PyUnicode_Check(obj.ptr()))
        throw pybind11::type_error(std::string("expected str or UTF-8 bytes, got ") + Py_TYPE(obj.ptr())->tp_name);
    return utf8_of(obj);
}

}  // namespace tokensmith
