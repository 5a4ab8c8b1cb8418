// Hash maps of the BPE encoder: pair -> (rank, merged id), bytes -> id, and a bounded piece cache.
//
// All three use open addressing with linear probing in a power-of-two array: a lookup is one
// multiply, one shift and (almost always) one cache line.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

namespace tokensmith {
namespace bpe {

// Hash of a short byte string, 8 bytes at a time (pieces are mostly < 16 bytes).
inline uint64_t hash_bytes(const uint8_t* p, size_t n) {
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

inline size_t table_capacity(size_t entries) {  // load factor <= 1/2
  size_t cap = 16;
  while (cap < 2 * entries) cap <<= 1;
  return cap;
}

// (left id, right id) -> rank << 32 | merged id. kNoMerge when the pair does not merge.
class PairTable {
 public:
  static constexpr uint64_t kNoMerge = ~0ull;

  void reserve(size_t entries) {
    size_t cap = table_capacity(entries);
    slots_.assign(cap, Slot{kEmptyKey, 0});
    mask_ = cap - 1;
    shift_ = 64;
    for (size_t c = cap; c > 1; c >>= 1) --shift_;
  }

  // A pair listed twice keeps its last row (as a dict built from the rows would).
  void insert(uint32_t left, uint32_t right, uint32_t rank, uint32_t merged) {
    uint64_t key = uint64_t(left) << 32 | right;
    size_t i = slot_of(key);
    while (slots_[i].key != kEmptyKey && slots_[i].key != key) i = (i + 1) & mask_;
    slots_[i] = Slot{key, uint64_t(rank) << 32 | merged};
  }

  inline uint64_t find(uint32_t left, uint32_t right) const {
    uint64_t key = uint64_t(left) << 32 | right;
    size_t i = slot_of(key);
    for (;;) {
      const Slot& s = slots_[i];
      if (s.key == key) return s.value;
      if (s.key == kEmptyKey) return kNoMerge;
      i = (i + 1) & mask_;
    }
  }

 private:
  // Ids are < 2^32 - 1, so no real pair has this key.
  static constexpr uint64_t kEmptyKey = ~0ull;
  struct Slot {
    uint64_t key;
    uint64_t value;
  };
  inline size_t slot_of(uint64_t key) const {
    return size_t((key * 0x9E3779B97F4A7C15ull) >> shift_);  // Fibonacci hashing: top bits
  }
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  unsigned shift_ = 60;
};

// Byte string -> uint32 value, insert-only (the vocabulary). Empty strings are never stored.
class BytesMap {
 public:
  void reserve(size_t entries, size_t total_bytes) {
    size_t cap = table_capacity(entries);
    slots_.assign(cap, Slot{0, 0, 0, 0});
    mask_ = cap - 1;
    arena_.reserve(total_bytes);
  }

  // False if the key is already present.
  bool insert(const uint8_t* p, size_t n, uint32_t value) {
    uint64_t h = hash_bytes(p, n);
    size_t i = h & mask_;
    for (; slots_[i].len; i = (i + 1) & mask_)
      if (matches(slots_[i], h, p, n)) return false;
    slots_[i] = Slot{h, uint32_t(arena_.size()), uint32_t(n), value};
    arena_.insert(arena_.end(), p, p + n);
    return true;
  }

  inline bool find(uint64_t h, const uint8_t* p, size_t n, uint32_t& value) const {
    for (size_t i = h & mask_; slots_[i].len; i = (i + 1) & mask_) {
      if (matches(slots_[i], h, p, n)) {
        value = slots_[i].value;
        return true;
      }
    }
    return false;
  }

 private:
  struct Slot {
    uint64_t hash;
    uint32_t off, len, value;
  };
  inline bool matches(const Slot& s, uint64_t h, const uint8_t* p, size_t n) const {
    return s.hash == h && s.len == n && std::memcmp(arena_.data() + s.off, p, n) == 0;
  }
  std::vector<Slot> slots_;
  std::vector<uint8_t> arena_;
  size_t mask_ = 0;
};

// Piece bytes -> the ids they encode to. Bounded: when full it forgets everything and starts
// again, which keeps the common words of the current text and costs nothing to maintain.
class PieceCache {
 public:
  static constexpr size_t kMaxPieceBytes = 128;

  explicit PieceCache(size_t max_entries = 1 << 14)
      : max_entries_(max_entries), slots_(table_capacity(max_entries)), mask_(slots_.size() - 1) {}

  inline const uint32_t* find(uint64_t h, const uint8_t* p, size_t n, size_t& count) const {
    for (size_t i = h & mask_; slots_[i].len; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.hash == h && s.len == n && std::memcmp(bytes_.data() + s.off, p, n) == 0) {
        count = s.ids_len;
        return ids_.data() + s.ids_off;
      }
    }
    return nullptr;
  }

  // The caller has just missed on this key, so it is not present.
  void insert(uint64_t h, const uint8_t* p, size_t n, const uint32_t* ids, size_t count) {
    if (n == 0 || n > kMaxPieceBytes) return;
    if (entries_ >= max_entries_) clear();
    size_t i = h & mask_;
    while (slots_[i].len) i = (i + 1) & mask_;
    slots_[i] = Slot{h, uint32_t(bytes_.size()), uint32_t(n), uint32_t(ids_.size()), uint32_t(count)};
    bytes_.insert(bytes_.end(), p, p + n);
    ids_.insert(ids_.end(), ids, ids + count);
    ++entries_;
  }

  void clear() {
    std::fill(slots_.begin(), slots_.end(), Slot{0, 0, 0, 0, 0});
    bytes_.clear();
    ids_.clear();
    entries_ = 0;
  }

 private:
  struct Slot {
    uint64_t hash;
    uint32_t off, len, ids_off, ids_len;
  };
  size_t max_entries_;
  size_t entries_ = 0;
  std::vector<Slot> slots_;
  size_t mask_;
  std::vector<uint8_t> bytes_;
  std::vector<uint32_t> ids_;
};

}  // namespace bpe
}  // namespace tokensmith
