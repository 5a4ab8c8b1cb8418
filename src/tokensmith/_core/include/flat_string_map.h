// An open-addressing hash map from byte strings (views the caller keeps alive) to small values:
// one probe sequence in one array, no node allocations. Piece lookups in the SentencePiece
// kernels are mostly short strings that miss, so the stored hash is compared first.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace tokensmith {

inline uint64_t hash_bytes(const char* p, size_t n) {
  uint64_t h = 0x9E3779B97F4A7C15ull ^ (n * 0xFF51AFD7ED558CCDull);
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
    h ^= h >> 31;
    p += 8;
    n -= 8;
  }
  uint64_t w = 0;
  std::memcpy(&w, p, n);
  h = (h ^ w) * 0x94D049BB133111EBull;
  return h ^ (h >> 29);
}

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
