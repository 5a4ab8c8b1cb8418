// An open-addressing hash map from byte strings (views the caller keeps alive) to small values:
// one probe sequence in one array, no node allocations. Piece lookups in the SentencePiece
// kernels are mostly short strings that miss, so the stored hash is compared first.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "hash_bytes.h"

namespace tokensmith {

template <class V>
class FlatStringMap {
 public:
  FlatStringMap() { rebuild(16); }

  size_t size() const { return size_; }

  const V* find(std::string_view key) const {
    uint64_t h = hash_bytes(key.data(), key.size());
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (!s.used) return nullptr;
      if (s.hash == h && s.key == key) return &s.value;
    }
  }

  // Inserts key if absent; returns false (and keeps the old value) if present.
  bool insert(std::string_view key, V value) {
    if (2 * (size_ + 1) > slots_.size()) grow();
    uint64_t h = hash_bytes(key.data(), key.size());
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (!s.used) {
        s = {h, key, value, true};
        ++size_;
        return true;
      }
      if (s.hash == h && s.key == key) return false;
    }
  }

  void clear() {
    for (Slot& s : slots_) s.used = false;
    size_ = 0;
  }

 private:
  struct Slot {
    uint64_t hash;
    std::string_view key;
    V value;
    bool used;
  };

  void rebuild(size_t capacity) {
    slots_.assign(capacity, Slot{0, {}, V{}, false});
    mask_ = capacity - 1;
    size_ = 0;
  }

  void grow() {
    std::vector<Slot> old;
    old.swap(slots_);
    rebuild(old.size() * 2);
    for (const Slot& s : old)
      if (s.used) insert(s.key, s.value);
  }

  std::vector<Slot> slots_;
  size_t mask_ = 0, size_ = 0;
};

}  // namespace tokensmith
