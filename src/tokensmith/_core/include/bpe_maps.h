// Hash maps of the BPE encoder: pair -> (rank, merged id), bytes -> id, and a bounded piece cache.
//
// All three use open addressing with linear probing in a power-of-two array: a lookup is one
// multiply, one shift and (almost always) one cache line.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "hash_bytes.h"

namespace tokensmith {
namespace bpe {

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

// A piece as a hash-map key: its first 16 bytes as two zero-padded words, so that most
// comparisons are two integer compares with no pointer chasing, and its hash.
struct PieceKey {
  static constexpr size_t kInline = 16;
  const uint8_t* p = nullptr;
  size_t n = 0;
  uint64_t w0 = 0, w1 = 0, hash = 0;

  PieceKey() = default;

  // Bytes up to readable_end may be read (not just the piece), which allows whole-word loads.
  PieceKey(const uint8_t* piece, size_t len, const uint8_t* readable_end) : p(piece), n(len) {
    if (kLittleEndian && n <= kInline && size_t(readable_end - p) >= kInline) {
      std::memcpy(&w0, p, 8);
      std::memcpy(&w1, p + 8, 8);
      if (n < 8) {
        w0 &= (uint64_t(1) << (8 * n)) - 1;
        w1 = 0;
      } else if (n < 16) {
        w1 &= (uint64_t(1) << (8 * (n - 8))) - 1;
      }
    } else {
      uint8_t head[kInline] = {0};
      std::memcpy(head, p, n < kInline ? n : kInline);
      std::memcpy(&w0, head, 8);
      std::memcpy(&w1, head + 8, 8);
    }
    if (n <= kInline) {
      uint64_t h = (w0 ^ (uint64_t(n) << 56)) * 0x9E3779B97F4A7C15ull;
      h = (h ^ (h >> 29) ^ w1) * 0xBF58476D1CE4E5B9ull;
      hash = h ^ (h >> 32);
    } else {
      hash = hash_bytes(p, n);
    }
  }

 private:
  static constexpr bool kLittleEndian = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;
};

// Byte string -> (value, count), insert-only until clear(). Slots are 32 bytes and hold the
// first 16 bytes of the key; longer keys keep the rest in an arena.
class BytesMap {
 public:
  struct Slot {
    uint64_t w0, w1;
    uint32_t len, off, value, count;
  };

  void reset(size_t entries) {
    size_t cap = table_capacity(entries);
    slots_.assign(cap, Slot{0, 0, 0, 0, 0, 0});
    mask_ = cap - 1;
    arena_.clear();
    size_ = 0;
  }

  // False if the key is already present.
  bool insert(const PieceKey& k, uint32_t value, uint32_t count) {
    size_t i = k.hash & mask_;
    for (; slots_[i].len; i = (i + 1) & mask_)
      if (matches(slots_[i], k)) return false;
    uint32_t off = uint32_t(arena_.size());
    if (k.n > PieceKey::kInline) arena_.insert(arena_.end(), k.p + PieceKey::kInline, k.p + k.n);
    slots_[i] = Slot{k.w0, k.w1, uint32_t(k.n), off, value, count};
    ++size_;
    return true;
  }

  inline const Slot* find(const PieceKey& k) const {
    for (size_t i = k.hash & mask_; slots_[i].len; i = (i + 1) & mask_)
      if (matches(slots_[i], k)) return &slots_[i];
    return nullptr;
  }

  // The slot's line and, when the slot ends its line, the next one (where a probe goes on).
  inline void prefetch(const PieceKey& k) const {
    size_t i = k.hash & mask_;
    __builtin_prefetch(&slots_[i]);
    if (i & 1) __builtin_prefetch(&slots_[(i + 1) & mask_]);
  }

  size_t size() const { return size_; }

 private:
  inline bool matches(const Slot& s, const PieceKey& k) const {
    return s.len == k.n && s.w0 == k.w0 && s.w1 == k.w1 &&
           (k.n <= PieceKey::kInline ||
            std::memcmp(arena_.data() + s.off, k.p + PieceKey::kInline, k.n - PieceKey::kInline) == 0);
  }
  std::vector<Slot> slots_;
  std::vector<uint8_t> arena_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

// Piece bytes -> the ids they encode to. Bounded: when full it forgets everything and starts
// again, which keeps the common words of the current text and costs nothing to maintain.
class PieceCache {
 public:
  static constexpr size_t kMaxPieceBytes = 128;

  explicit PieceCache(size_t max_entries = 1 << 16) : max_entries_(max_entries) { map_.reset(max_entries); }

  inline const uint32_t* find(const PieceKey& k, size_t& count) const {
    const BytesMap::Slot* s = map_.find(k);
    if (s == nullptr) return nullptr;
    count = s->count;
    return ids_.data() + s->value;
  }

  const BytesMap& map() const { return map_; }

  // The caller has just missed on this key, so it is not present.
  void insert(const PieceKey& k, const uint32_t* ids, size_t count) {
    if (k.n == 0 || k.n > kMaxPieceBytes) return;
    if (map_.size() >= max_entries_) {
      map_.reset(max_entries_);
      ids_.clear();
    }
    map_.insert(k, uint32_t(ids_.size()), uint32_t(count));
    ids_.insert(ids_.end(), ids, ids + count);
  }

 private:
  size_t max_entries_;
  BytesMap map_;
  std::vector<uint32_t> ids_;
};

}  // namespace bpe
}  // namespace tokensmith
