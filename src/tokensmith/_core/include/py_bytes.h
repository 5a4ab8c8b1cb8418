// A Python bytes object's contents, viewed without copying (valid while the object lives).
#pragma once
#include <pybind11/pybind11.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace tokensmith {

inline std::string_view bytes_view(const pybind11::handle& obj, const char* what) {
    char* p = nullptr;
    Py_ssize_t n = 0;
    if (!PyBytes_Check(obj.ptr()) || PyBytes_AsStringAndSize(obj.ptr(), &p, &n) != 0)
        throw pybind11::type_error(what);
    return {p, static_cast<size_t>(n)};
}

}  // namespace tokensmith
