// Releasing the GIL around compiled work, in a way that survives interpreter exit.
//
// At exit CPython (before 3.14) ends a daemon thread that tries to take the GIL back with
// pthread_exit, whose forced unwind starts in the frame that retakes it. pybind11's
// gil_scoped_release retakes it in a noexcept destructor, so a daemon thread inside a kernel at
// exit aborted the process ("terminate called without an active exception"). Letting the unwind
// through is no better: on its way out it passes pybind11's argument holders, which release their
// Python objects without the GIL. This guard stops the unwind where it starts and parks the
// thread until the process ends, as CPython 3.14 itself does with such threads.
#pragma once

#include <Python.h>

#include <chrono>
#include <thread>

namespace tokensmith {

class GilRelease {
public:
    GilRelease() : state_(PyEval_SaveThread()) {}
    GilRelease(const GilRelease&) = delete;
    GilRelease& operator=(const GilRelease&) = delete;
    ~GilRelease() noexcept(false) {
        try {
            PyEval_RestoreThread(state_);
        } catch (...) {  // the forced unwind of the thread's end: never leave this handler
            for (;;) std::this_thread::sleep_for(std::chrono::hours(1));
        }
    }

private:
    PyThreadState* state_;
};

}  // namespace tokensmith
