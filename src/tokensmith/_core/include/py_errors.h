// Raising tokensmith's own errors (tokensmith.errors) from compiled code, so that a user sees the
// same clear InputError or OptionError whichever path ran.
#pragma once
#include <pybind11/pybind11.h>

#include <string>

namespace tokensmith {

// Raises the exception object `error` (an instance of a tokensmith.errors class).
[[noreturn]] inline void raise_error(const pybind11::object& error) {
    PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(error.ptr())), error.ptr());
    throw pybind11::error_already_set();
}

// Raises tokensmith.errors.<error_class>(message).
[[noreturn]] inline void raise_tokensmith(const char* error_class, const std::string& message) {
    raise_error(pybind11::module_::import("tokensmith.errors").attr(error_class)(message));
}

}  // namespace tokensmith
