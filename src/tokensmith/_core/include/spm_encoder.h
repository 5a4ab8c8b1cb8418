// One compiled call per text for SentencePiece-style tokenizers: the text pipeline of spm_text.h
// (normalizer, optional Metaspace) then a model's segmentation of each piece, with the GIL
// released; a batch runs on threads. The model side is a Segmenter:
//
//   struct Segmenter {
//     struct Scratch { ... };  // per-thread buffers and word cache
//     void segment(std::string_view piece, std::vector<int>& out, Scratch&) const;
//     uint64_t generation() const;  // changes when the caches must be dropped
//   };
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <cstdint>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "flat_string_map.h"
#include "gil.h"
#include "py_text.h"
#include "spm_text.h"
#include "threads.h"

namespace tokensmith {
namespace spm {

namespace py = pybind11;
using tokensmith::hash_bytes;

// Ids of words already segmented: open addressing over one control byte per slot (so probing
// for the many words seen once in multilingual text stays in cache) and 16-byte slots that
// point into two flat arenas of keys and ids; dropped whole when full. A model whose words are
// cheap to segment again (Viterbi) keeps a small one, one whose words are dear (BPE) a large one.
class WordCache {
 public:
  static constexpr size_t kMaxWordBytes = 64;

  explicit WordCache(size_t max_entries = 1 << 16)
      : max_entries_(max_entries), mask_(2 * max_entries - 1) {}

  const int* find(std::string_view word, size_t& count, uint64_t generation) {
    if (generation != generation_) {
      clear();
      generation_ = generation;
    }
    if (size_ == 0 || word.empty() || word.size() > kMaxWordBytes) return nullptr;
    uint64_t h = hash_bytes(word.data(), word.size());
    uint8_t control = control_of(h);
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      if (control_[i] == 0) return nullptr;
      if (control_[i] != control) continue;
      const Slot& s = slots_[i];
      if (s.tag == uint32_t(h) && s.key_length == word.size() &&
          std::memcmp(keys_.data() + s.key_offset, word.data(), word.size()) == 0) {
        count = s.count;
        return ids_.data() + s.ids_offset;
      }
    }
  }

  void insert(std::string_view word, const int* ids, size_t count) {
    if (word.empty() || word.size() > kMaxWordBytes || count > 255) return;
    if (size_ >= max_entries_) clear();
    if (slots_.empty()) {
      slots_.resize(mask_ + 1);
      control_.assign(mask_ + 1, 0);
    }
    uint64_t h = hash_bytes(word.data(), word.size());
    uint8_t control = control_of(h);
    size_t i = h & mask_;
    for (; control_[i] != 0; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (control_[i] == control && s.tag == uint32_t(h) && s.key_length == word.size() &&
          std::memcmp(keys_.data() + s.key_offset, word.data(), word.size()) == 0)
        return;
    }
    control_[i] = control;
    slots_[i] = {uint32_t(h), uint32_t(keys_.size()), uint32_t(ids_.size()), uint8_t(word.size()), uint8_t(count)};
    keys_.append(word);
    ids_.insert(ids_.end(), ids, ids + count);
    ++size_;
  }

  void clear() {
    if (size_ == 0) return;
    std::fill(control_.begin(), control_.end(), uint8_t(0));
    keys_.clear();
    ids_.clear();
    size_ = 0;
  }

 private:
  // 0 marks a free slot; otherwise 7 bits of the hash that the slot index does not use.
  static uint8_t control_of(uint64_t h) { return uint8_t(0x80 | (h >> 57)); }

  struct Slot {
    uint32_t tag, key_offset, ids_offset;  // tag: the low half of the hash
    uint8_t key_length, count;
  };
  size_t max_entries_, mask_;  // max_entries_: a power of two; slots: twice as many
  std::vector<uint8_t> control_;
  std::vector<Slot> slots_;
  std::string keys_;
  std::vector<int> ids_;
  size_t size_ = 0;
  uint64_t generation_ = 0;
};

// Positions inside a piece (lattice nodes, symbol indices) are int: a piece longer than an int
// counts (a whole text of over 2 GiB, when words are not split) is refused, not wrapped around.
// Kept in a variable so that tests can lower it (set_max_piece_bytes) instead of building 2 GiB.
inline size_t max_piece_bytes = size_t(INT32_MAX);

inline void check_piece_length(size_t n) {
  if (n > max_piece_bytes)
    throw std::length_error("a text piece of " + std::to_string(n) + " bytes is longer than the " +
                            std::to_string(max_piece_bytes) + " bytes the compiled encoder indexes; "
                            "split the text");
}

// Reads the pipeline from the dict that Python's compiled_spec() methods give.
inline TextPipeline pipeline_from_spec(const py::dict& spec) {
  TextPipeline pipe;
  py::object normalizer = spec.contains("normalizer") ? py::object(spec["normalizer"]) : py::object(py::none());
  if (!normalizer.is_none()) {
    py::dict n = normalizer.cast<py::dict>();
    std::string kind = n["type"].cast<std::string>();
    py::object blob = n.contains("charsmap") ? py::object(n["charsmap"]) : py::object(py::none());
    if (kind == "sentencepiece") {
      pipe.norm = TextPipeline::Norm::kSentencePiece;
      if (!blob.is_none()) {
        pipe.spm.charsmap = Charsmap(blob.cast<std::string>());
        pipe.spm.has_charsmap = true;
      }
      pipe.spm.add_dummy_prefix = n["add_dummy_prefix"].cast<bool>();
      pipe.spm.remove_extra = n["remove_extra_whitespaces"].cast<bool>();
      pipe.spm.escape = n["escape_whitespaces"].cast<bool>();
      pipe.spm.set_user_defined(n["user_defined"].cast<std::vector<std::string>>());
    } else if (kind == "precompiled") {
      pipe.norm = TextPipeline::Norm::kHfPrecompiled;
      pipe.hf_charsmap = Charsmap(blob.cast<std::string>());
      pipe.hf_charsmap.build_char_table();
    } else {
      throw py::value_error("no compiled form for the normalizer '" + kind + "'");
    }
  }
  py::object splitter = spec.contains("splitter") ? py::object(spec["splitter"]) : py::object(py::none());
  if (!splitter.is_none()) {
    py::dict s = splitter.cast<py::dict>();
    if (s["type"].cast<std::string>() != "metaspace")
      throw py::value_error("no compiled form for the splitter '" + s["type"].cast<std::string>() + "'");
    pipe.metaspace = true;
    pipe.ms.replacement = s["replacement"].cast<std::string>();
    std::string scheme = s["prepend_scheme"].cast<std::string>();
    pipe.ms.prepend = scheme == "always" ? 0 : scheme == "first" ? 1 : 2;
    pipe.ms.split = s["split"].cast<bool>();
    pipe.ms.whitespace_split = s["whitespace_split"].cast<bool>();
  }
  return pipe;
}

inline py::list to_list(const std::vector<int>& ids) {
  PyObject* list = PyList_New(Py_ssize_t(ids.size()));
  if (list == nullptr) throw py::error_already_set();
  for (size_t k = 0; k < ids.size(); ++k) PyList_SET_ITEM(list, Py_ssize_t(k), PyLong_FromLong(ids[k]));
  return py::reinterpret_steal<py::list>(list);
}

// One list per text. The lists hold only ints, so no cycle can form: the collector, which the
// many new lists would otherwise start over and over (walking every object), is paused.
inline py::list to_lists(const std::vector<std::vector<int>>& results) {
#if PY_VERSION_HEX >= 0x030A0000
  struct Pause {
    int was_enabled = PyGC_Disable();
    ~Pause() {
      if (was_enabled) PyGC_Enable();
    }
  } pause;
#endif
  py::list out(results.size());
  for (size_t k = 0; k < results.size(); ++k) PyList_SET_ITEM(out.ptr(), Py_ssize_t(k), to_list(results[k]).release().ptr());
  return out;
}

template <class Segmenter>
class TextEncoder {
 public:
  struct Workspace {
    TextPipeline::Scratch text;
    typename Segmenter::Scratch model;
    std::vector<int> ids;  // a batch's texts are encoded here, then kept at their exact size
  };

  TextEncoder(const Segmenter& segmenter, TextPipeline pipe) : segmenter_(segmenter), pipe_(std::move(pipe)) {}

  void encode_into(std::string_view text, Workspace& ws, std::vector<int>& out) const {
    out.clear();
    pipe_.pieces(text, ws.text, [&](std::string_view piece) {
      check_piece_length(piece.size());
      segmenter_.segment(piece, out, ws.model);
    });
  }

  void encode_kept(std::string_view text, Workspace& ws, std::vector<int>& kept) const {
    encode_into(text, ws, ws.ids);
    kept.assign(ws.ids.begin(), ws.ids.end());
  }

  // The second argument mirrors the byte-level core's call shape (its splitter name); unused.
  py::list encode(const py::object& text, const py::object&) {
    std::string_view view = utf8_of(text);
    std::vector<int> ids;
    {
      tokensmith::GilRelease release;
      with_workspace([&](Workspace& ws) { encode_into(view, ws, ids); });
    }
    return to_list(ids);
  }

  py::array_t<uint32_t> encode_array(const py::object& text, const py::object&) {
    std::string_view view = utf8_of(text);
    std::vector<int> ids;
    {
      tokensmith::GilRelease release;
      with_workspace([&](Workspace& ws) { encode_into(view, ws, ids); });
    }
    py::array_t<uint32_t> out(ids.size());
    std::copy(ids.begin(), ids.end(), out.mutable_data());
    return out;
  }

  // The pieces the model segments (normalized, split): for tests against the Python stages.
  py::list pieces(const py::object& text) const {
    std::string_view view = utf8_of(text);
    TextPipeline::Scratch scratch;
    py::list out;
    pipe_.pieces(view, scratch, [&](std::string_view piece) { out.append(py::bytes(piece.data(), piece.size())); });
    return out;
  }

  py::list encode_batch(const py::list& texts, const py::object&, int num_threads) {
    if (num_threads < 1) throw py::value_error("num_threads must be at least 1");
    std::vector<py::object> held;  // the list may change once the GIL is released
    std::vector<std::string_view> views;
    held.reserve(texts.size());
    views.reserve(texts.size());
    for (py::handle t : texts) {
      held.push_back(py::reinterpret_borrow<py::object>(t));
      views.push_back(utf8_of(t));
    }
    std::vector<std::vector<int>> results(views.size());
    size_t threads = std::min<size_t>(size_t(num_threads), std::max<size_t>(1, views.size() / 8));
    {
      tokensmith::GilRelease release;
      if (threads <= 1) {
        with_workspace([&](Workspace& ws) {
          for (size_t k = 0; k < views.size(); ++k) encode_kept(views[k], ws, results[k]);
        });
      } else {
        run_workers(threads, views, results);
      }
    }
    return to_lists(results);
  }

 private:
  template <class F>
  void with_workspace(F f) {
    std::unique_lock<std::mutex> lock(own_mutex_, std::try_to_lock);
    if (lock.owns_lock()) {
      f(own_);
    } else {
      Workspace local;
      f(local);
    }
  }

  void run_workers(size_t threads, const std::vector<std::string_view>& views,
                   std::vector<std::vector<int>>& results) {
    // Blocks of neighbouring texts (an eighth of each thread's share): texts next to each other
    // tend to share words, and each thread's word cache sees only its own texts.
    size_t block = std::max<size_t>(16, views.size() / (threads * 8));
    std::atomic<size_t> next{0};
    std::exception_ptr error;
    std::mutex error_mutex;
    auto work = [&](Workspace& ws) {
      try {
        for (size_t k; (k = next.fetch_add(block)) < views.size();)
          for (size_t j = k; j < std::min(k + block, views.size()); ++j) encode_kept(views[j], ws, results[j]);
      } catch (...) {
        std::lock_guard<std::mutex> guard(error_mutex);
        error = std::current_exception();
        next = views.size();
      }
    };
    tokensmith::ThreadGroup pool;  // a refused thread leaves its share to the others
    for (size_t t = 1; t < threads; ++t) {
      const bool started = pool.spawn([&] {
        std::unique_ptr<Workspace> ws = borrow_workspace();
        work(*ws);
        return_workspace(std::move(ws));
      });
      if (!started) break;
    }
    with_workspace(work);
    pool.join();
    if (error) std::rethrow_exception(error);
  }

  // The helper threads' workspaces outlive a batch, so their word caches (and buffers) carry
  // over to the next batch as the calling thread's own does.
  std::unique_ptr<Workspace> borrow_workspace() {
    std::lock_guard<std::mutex> guard(spare_mutex_);
    if (spare_.empty()) return std::make_unique<Workspace>();
    std::unique_ptr<Workspace> ws = std::move(spare_.back());
    spare_.pop_back();
    return ws;
  }

  void return_workspace(std::unique_ptr<Workspace> ws) {
    std::lock_guard<std::mutex> guard(spare_mutex_);
    spare_.push_back(std::move(ws));
  }

  const Segmenter& segmenter_;
  TextPipeline pipe_;
  std::mutex own_mutex_;
  Workspace own_;
  std::mutex spare_mutex_;
  std::vector<std::unique_ptr<Workspace>> spare_;
};

template <class Segmenter>
void bind_text_encoder(py::module_& m, const char* name) {
  using Encoder = TextEncoder<Segmenter>;
  m.def("set_max_piece_bytes", [](size_t n) { return std::exchange(max_piece_bytes, n); }, py::arg("n"),
        "Set the longest piece the compiled encoders take (for tests); returns the old limit.");
  py::class_<Encoder>(m, name)
      .def("encode", &Encoder::encode, py::arg("text"), py::arg("splitter") = py::none())
      .def("pieces", &Encoder::pieces, py::arg("text"))
      .def("encode_array", &Encoder::encode_array, py::arg("text"), py::arg("splitter") = py::none())
      .def("encode_batch", &Encoder::encode_batch, py::arg("texts"), py::arg("splitter") = py::none(),
           py::arg("num_threads") = 1);
}

}  // namespace spm
}  // namespace tokensmith
