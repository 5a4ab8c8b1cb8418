// Releasing the GIL around compiled work, in a way that survives interpreter exit.
//
// At exit CPython ends a daemon thread that tries to take the GIL back with pthread_exit, whose
// forced unwind must pass through the frame that retakes it. pybind11's gil_scoped_release retakes
// it in a noexcept destructor, so a daemon thread inside a kernel at exit aborted the process
// ("terminate called without an active exception"). This guard's destructor lets the unwind
// through, and pybind11's dispatcher rethrows it, so the thread just ends (as tiktoken's do).
#pragma once

#include <Python.h>

namespace tokensmith {

class GilRelease {
public:
    GilRelease() : state_(PyEval_SaveThread()) {}
    GilRelease(const GilRelease&) = delete;
    GilRelease& operator=(const GilRelease&) = delete;
    ~GilRelease() noexcept(false) { PyEval_RestoreThread(state_); }

private:
    PyThreadState* state_;
};

}  // namespace tokensmith
