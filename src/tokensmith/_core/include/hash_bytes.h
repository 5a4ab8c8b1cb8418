// The one hash of byte strings used by every table of the compiled core.
//
// 8 bytes at a time with a multiply-xorshift per word and a final avalanche (pieces and tokens
// are mostly under 16 bytes, so this is one or two rounds). Only in-memory tables use it: the
// values are never stored, so changing it changes no file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace tokensmith {

inline uint64_t hash_bytes(const char* p, size_t n) {
    const uint64_t k = 0x9E3779B97F4A7C15ull;
    uint64_t h = (n + 1) * k;
    while (n >= 8) {
        uint64_t v;
        std::memcpy(&v, p, 8);
        h = (h ^ v) * k;
        h ^= h >> 29;
        p += 8;
        n -= 8;
    }
    if (n) {
        uint64_t v = 0;
        std::memcpy(&v, p, n);
        h = (h ^ v) * k;
    }
    h ^= h >> 32;
    h *= 0xBF58476D1CE4E5B9ull;
    return h ^ (h >> 29);
}

inline uint64_t hash_bytes(const uint8_t* p, size_t n) {
    return hash_bytes(reinterpret_cast<const char*>(p), n);
}

}  // namespace tokensmith
