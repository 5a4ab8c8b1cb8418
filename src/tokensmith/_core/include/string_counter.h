// StringCounter: byte string -> 64-bit count, an open-addressing hash table whose keys live in a
// block arena. Memory grows with the number of distinct strings only (never with how often they
// are added); a key is copied once, on first sight.
//
// In front of the table sits a small direct-mapped cache of short keys (held inline, 32 bytes a
// slot, small enough to stay in the core's L2 cache): the frequent pre-tokens of a Zipfian text
// are counted there without touching the large table, which is only reached on a cache miss or
// a flush. Counts stay exact: an evicted cache slot adds its count to the table.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

#include "hash_bytes.h"

namespace tokensmith {

class StringCounter {
public:
    StringCounter() : hot_(kHotSlots) { rehash(1024); }

    // Empty strings are not counted (a split pattern that can match "" yields them; HF skips
    // them too), so no stored key is ever empty.
    void add(const char* p, size_t n, uint64_t count) {
        if (n == 0) return;
        if (n > 16) return add_hashed(p, n, count, hash_bytes(p, n));
        uint64_t k[2] = {0, 0};
        std::memcpy(k, p, n);
        const uint64_t h = (k[0] * 0x9E3779B97F4A7C15ull) ^ (k[1] * 0xC2B2AE3D27D4EB4Full) ^ n;
        HotSlot& slot = hot_[(h ^ (h >> 29)) & (kHotSlots - 1)];
        if (slot.len == n && slot.k0 == k[0] && slot.k1 == k[1]) {
            slot.count += count;
            return;
        }
        if (slot.count) evict(slot);
        slot = HotSlot{k[0], k[1], count, static_cast<uint32_t>(n)};
    }

    // Moves the cached counts into the table (done before any read).
    void flush() {
        for (HotSlot& slot : hot_)
            if (slot.count) evict(slot);
    }

    void add_hashed(const char* p, size_t n, uint64_t count, uint64_t h) {
        if (count == 0 || n == 0) return;
        size_t i = h & mask_;
        while (true) {
            Slot& s = slots_[i];
            if (s.count == 0) break;
            if (s.hash == h && s.len == n && std::memcmp(s.key, p, n) == 0) {
                s.count += count;
                return;
            }
            i = (i + 1) & mask_;
        }
        slots_[i] = Slot{h, store(p, n), count, n};
        if (++size_ * 2 > slots_.size()) rehash(slots_.size() * 2);
    }

    // Adds every string of `other` (hash values are reused, keys copied).
    void merge_from(StringCounter& other) {
        other.flush();
        for (const Slot& s : other.slots_)
            if (s.count) add_hashed(s.key, s.len, s.count, s.hash);
    }

    size_t size() {
        flush();
        return size_;
    }

    // f(std::string_view key, uint64_t count) for every string, in table order.
    template <class F>
    void for_each(F&& f) {
        flush();
        for (const Slot& s : slots_)
            if (s.count) f(std::string_view(s.key, s.len), s.count);
    }

    void clear() {
        std::vector<HotSlot>(kHotSlots).swap(hot_);
        std::vector<Slot>().swap(slots_);
        std::vector<std::unique_ptr<char[]>>().swap(blocks_);
        std::vector<std::unique_ptr<char[]>>().swap(big_);
        size_ = 0;
        block_used_ = block_size_ = 0;
        rehash(1024);
    }

private:
    struct Slot {
        uint64_t hash;
        const char* key;
        uint64_t count;  // 0: empty slot
        size_t len;
    };
    struct HotSlot {
        uint64_t k0 = 0, k1 = 0;  // the key's bytes, zero-padded
        uint64_t count = 0;       // 0: empty slot
        uint32_t len = 0;
    };
    static constexpr size_t kBlock = 1 << 20;
    static constexpr size_t kHotSlots = 1 << 14;

    void evict(HotSlot& slot) {
        const uint64_t k[2] = {slot.k0, slot.k1};
        const char* p = reinterpret_cast<const char*>(k);
        const size_t n = std::min<size_t>(slot.len, 16);  // always; tells the compiler too
        add_hashed(p, n, slot.count, hash_bytes(p, n));
        slot.count = 0;
        slot.len = 0;
    }

    const char* store(const char* p, size_t n) {
        if (n > kBlock / 4) {  // a long string gets a block of its own
            big_.emplace_back(new char[n]);
            std::memcpy(big_.back().get(), p, n);
            return big_.back().get();
        }
        if (block_used_ + n > block_size_) {
            blocks_.emplace_back(new char[kBlock]);
            block_used_ = 0;
            block_size_ = kBlock;
        }
        char* dst = blocks_.back().get() + block_used_;
        if (n) std::memcpy(dst, p, n);
        block_used_ += n;
        return dst;
    }

    void rehash(size_t capacity) {
        std::vector<Slot> old;
        old.swap(slots_);
        slots_.assign(capacity, Slot{0, nullptr, 0, 0});
        mask_ = capacity - 1;
        for (const Slot& s : old) {
            if (!s.count) continue;
            size_t i = s.hash & mask_;
            while (slots_[i].count) i = (i + 1) & mask_;
            slots_[i] = s;
        }
    }

    std::vector<HotSlot> hot_;
    std::vector<Slot> slots_;
    std::vector<std::unique_ptr<char[]>> blocks_;  // the last one is being filled
    std::vector<std::unique_ptr<char[]>> big_;     // one per long key
    size_t block_used_ = 0, block_size_ = 0;
    size_t size_ = 0;
    size_t mask_ = 0;
};

}  // namespace tokensmith
