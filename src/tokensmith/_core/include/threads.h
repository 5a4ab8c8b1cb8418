// A group of worker threads that never aborts the process.
//
// std::thread's constructor throws (std::system_error, or std::bad_alloc under a memory limit)
// when a thread cannot be had, and destroying a joinable std::thread calls std::terminate. Every parallel
// kernel here hands work out through a shared counter or runs refused work on the calling thread,
// so a refused thread only means less parallelism: `spawn` reports it instead of throwing, and
// the destructor joins whatever was started, on every path out (exceptions included).
#pragma once

#include <exception>
#include <thread>
#include <utility>
#include <vector>

namespace tokensmith {

class ThreadGroup {
public:
    ThreadGroup() = default;
    ThreadGroup(const ThreadGroup&) = delete;
    ThreadGroup& operator=(const ThreadGroup&) = delete;
    ~ThreadGroup() { join(); }

    // Starts f(args...) on a new thread; false when the OS refused one (nothing started).
    template <class F, class... Args>
    bool spawn(F&& f, Args&&... args) {
        try {
            threads_.emplace_back(std::forward<F>(f), std::forward<Args>(args)...);
            return true;
        } catch (const std::exception&) {  // system_error, or bad_alloc for its state or stack
            return false;
        }
    }

    void join() {
        for (auto& th : threads_)
            if (th.joinable()) th.join();
        threads_.clear();
    }

private:
    std::vector<std::thread> threads_;
};

}  // namespace tokensmith
