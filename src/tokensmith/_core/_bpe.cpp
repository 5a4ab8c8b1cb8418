// tokensmith._core._bpe: the byte-level BPE encoder (split + merge), GIL released.
//
// BPECore(tokens, table, piece_lookup) holds the vocabulary as hash maps (bpe_maps.h) and encodes
// with the merge kernels of bpe_merge.h. A piece goes, cheapest first, through: single byte ->
// whole-token lookup (tiktoken semantics) -> piece cache -> merging. The Python layer is
// tokensmith.vocab.bpe.BPEModel.
#include <Python.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "bpe_maps.h"
#include "bpe_merge.h"
#include "gil.h"
#include "pretokenize.h"
#include "py_text.h"
#include "threads.h"

namespace py = pybind11;
using namespace tokensmith::bpe;
using tokensmith::utf8_of;

namespace {

// New references to the items of a list: the caller may change the list once the GIL is released.
std::vector<py::object> hold_items(const py::list& items) {
  std::vector<py::object> held;
  held.reserve(items.size());
  for (py::handle item : items) held.push_back(py::reinterpret_borrow<py::object>(item));
  return held;
}

tokensmith::SplitPattern pattern_named(const std::string& name) {
  tokensmith::SplitPattern pattern;
  if (!tokensmith::split_pattern_from_name(name, pattern))
    throw py::value_error("unknown compiled splitter '" + name + "' (gpt2, cl100k or o200k)");
  return pattern;
}

// What one thread needs to encode: merge buffers and (optionally) a piece cache.
struct Workspace {
  MergeScratch scratch;
  PieceCache* cache = nullptr;
};

// A batch worker's workspace and piece cache, kept between calls: a cache that starts cold on
// every call would make each extra thread redo the merges the calling thread has cached.
struct Lane {
  std::mutex mutex;
  PieceCache cache;
  Workspace ws;
  Lane() { ws.cache = &cache; }
};

class BPECore {
 public:
  BPECore(const py::list& tokens, const py::array& table, bool piece_lookup)
      : piece_lookup_(piece_lookup) {
    load_tokens(tokens);
    load_table(table, tokens);
    own_.cache = &cache_;
  }

  py::list encode(const py::object& text, const std::string& splitter) {
    std::vector<uint32_t> ids = encode_one(utf8_of(text), pattern_named(splitter));
    return to_list(ids);
  }

  py::array_t<uint32_t> encode_array(const py::object& text, const std::string& splitter) {
    std::vector<uint32_t> ids = encode_one(utf8_of(text), pattern_named(splitter));
    py::array_t<uint32_t> out(ids.size());
    if (!ids.empty()) std::memcpy(out.mutable_data(), ids.data(), ids.size() * sizeof(uint32_t));
    return out;
  }

  py::list encode_batch(const py::list& texts, const std::string& splitter, int num_threads) {
    if (num_threads < 1) throw py::value_error("num_threads must be at least 1");
    tokensmith::SplitPattern pattern = pattern_named(splitter);
    std::vector<py::object> held = hold_items(texts);
    std::vector<std::string_view> views;
    views.reserve(held.size());
    for (const auto& t : held) views.push_back(utf8_of(t));
    std::vector<std::vector<uint32_t>> results(views.size());
    // A thread is worth starting for about kBytesPerThread of text: below that, its cold cache
    // and start-up cost more than it saves, and the batch stays on the calling thread.
    size_t bytes = 0;
    for (const auto& v : views) bytes += v.size();
    size_t threads = std::min<size_t>({size_t(num_threads), views.size(), 1 + bytes / kBytesPerThread});
    {
      tokensmith::GilRelease release;
      if (threads <= 1) {
        std::unique_lock<std::mutex> lock(own_mutex_, std::try_to_lock);
        Workspace local;
        Workspace& ws = lock.owns_lock() ? own_ : local;
        for (size_t i = 0; i < views.size(); ++i) encode_text(views[i], pattern, ws, results[i]);
      } else {
        run_workers(threads, views, pattern, results);
      }
    }
    py::list out(results.size());
    for (size_t i = 0; i < results.size(); ++i) out[i] = to_list(results[i]);
    return out;
  }

  py::list encode_pieces(const py::list& pieces) {
    std::vector<py::object> held = hold_items(pieces);
    std::vector<std::string_view> views;
    views.reserve(held.size());
    for (const auto& piece : held) {
      if (!PyBytes_Check(piece.ptr()))
        throw py::type_error(std::string("pieces must be bytes, got ") + Py_TYPE(piece.ptr())->tp_name);
      views.emplace_back(PyBytes_AS_STRING(piece.ptr()), size_t(PyBytes_GET_SIZE(piece.ptr())));
    }
    std::vector<uint32_t> ids;
    {
      tokensmith::GilRelease release;
      with_workspace([&](Workspace& ws) {
        for (std::string_view v : views) encode_piece(reinterpret_cast<const uint8_t*>(v.data()), v.size(), ws, ids);
      });
    }
    return to_list(ids);
  }

  size_t vocab_size() const { return id_objects_.size(); }

 private:
  void load_tokens(const py::list& tokens) {
    size_t n = tokens.size();
    if (n >= UINT32_MAX) throw py::value_error("too many tokens for 32-bit ids");
    for (const auto& t : tokens)
      if (!PyBytes_Check(t.ptr()))
        throw py::type_error(std::string("tokens must be bytes, got ") + Py_TYPE(t.ptr())->tp_name);
    std::fill(rules_.byte_id, rules_.byte_id + 256, UINT32_MAX);
    vocab_.reset(n);
    id_objects_.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      PyObject* t = tokens[i].ptr();
      const uint8_t* p = reinterpret_cast<const uint8_t*>(PyBytes_AS_STRING(t));
      size_t len = size_t(PyBytes_GET_SIZE(t));
      if (len == 1) rules_.byte_id[p[0]] = uint32_t(i);
      if (len > 0 && !vocab_.insert(PieceKey(p, len, p + len), uint32_t(i), 1))
        throw py::value_error("token " + std::to_string(i) + " appears twice in the vocabulary");
      max_token_bytes_ = std::max(max_token_bytes_, len);
      id_objects_.push_back(py::int_(i));
    }
    for (int b = 0; b < 256; ++b)
      if (rules_.byte_id[b] == UINT32_MAX) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02x", b);
        throw py::value_error(std::string("byte-level BPE vocabulary lacks the single byte ") + hex);
      }
  }

  void load_table(const py::array& raw, const py::list& tokens) {
    auto table = py::array_t<uint32_t, py::array::c_style | py::array::forcecast>::ensure(raw);
    if (!table || table.ndim() != 2 || table.shape(1) != 4)
      throw py::value_error("merge table must be a (M, 4) array of [left_id, right_id, rank, merged_id]");
    size_t rows = size_t(table.shape(0));
    const uint32_t* r = table.data();
    uint32_t n = uint32_t(id_objects_.size());
    // Ranks are stored as their order among the distinct ranks (same comparisons, so the same
    // merges), which lets the long-piece queue index an array by rank.
    std::vector<uint32_t> ranks(rows);
    for (size_t i = 0; i < rows; ++i, r += 4) {
      if (r[0] >= n || r[1] >= n || r[3] >= n)
        throw py::value_error("merge table row " + std::to_string(i) + " has an id out of range (vocabulary size " +
                              std::to_string(n) + ")");
      if (r[2] == UINT32_MAX) throw py::value_error("merge table row " + std::to_string(i) + " has rank 2^32-1");
      ranks[i] = r[2];
    }
    std::sort(ranks.begin(), ranks.end());
    ranks.erase(std::unique(ranks.begin(), ranks.end()), ranks.end());
    rules_.rank_count = uint32_t(ranks.size());
    rules_.pairs.reserve(rows);
    rules_.concatenating = true;
    r = table.data();
    for (size_t i = 0; i < rows; ++i, r += 4) {
      uint32_t dense = uint32_t(std::lower_bound(ranks.begin(), ranks.end(), r[2]) - ranks.begin());
      rules_.pairs.insert(r[0], r[1], dense, r[3]);
      if (rules_.concatenating) rules_.concatenating = concatenates(tokens, r[0], r[1], r[3]);
    }
    rules_.finish();
  }

  static bool concatenates(const py::list& tokens, uint32_t left, uint32_t right, uint32_t merged) {
    PyObject* l = PyList_GET_ITEM(tokens.ptr(), left);
    PyObject* r = PyList_GET_ITEM(tokens.ptr(), right);
    PyObject* m = PyList_GET_ITEM(tokens.ptr(), merged);
    Py_ssize_t nl = PyBytes_GET_SIZE(l), nr = PyBytes_GET_SIZE(r);
    return PyBytes_GET_SIZE(m) == nl + nr && std::memcmp(PyBytes_AS_STRING(m), PyBytes_AS_STRING(l), nl) == 0 &&
           std::memcmp(PyBytes_AS_STRING(m) + nl, PyBytes_AS_STRING(r), nr) == 0;
  }

  // A piece of at least two bytes.
  void encode_key(const PieceKey& key, Workspace& ws, std::vector<uint32_t>& out) const {
    if (piece_lookup_ && key.n <= max_token_bytes_) {
      if (const BytesMap::Slot* hit = vocab_.find(key)) {
        out.push_back(hit->value);
        return;
      }
    }
    // With tiktoken semantics the piece is not a token here, so its last two ids never merge;
    // two bytes then stay two bytes, cheaper than any cache lookup.
    const bool last_pair_stays = piece_lookup_ && rules_.concatenating;
    if (last_pair_stays && key.n == 2) {
      out.push_back(rules_.byte_id[key.p[0]]);
      out.push_back(rules_.byte_id[key.p[1]]);
      return;
    }
    if (ws.cache == nullptr || key.n > PieceCache::kMaxPieceBytes) {
      merge_bytes(rules_, key.p, key.n, ws.scratch, out, last_pair_stays);
      return;
    }
    size_t count;
    if (const uint32_t* ids = ws.cache->find(key, count)) {
      out.insert(out.end(), ids, ids + count);
      return;
    }
    size_t start = out.size();
    merge_bytes(rules_, key.p, key.n, ws.scratch, out, last_pair_stays);
    ws.cache->insert(key, out.data() + start, out.size() - start);
  }

  void encode_piece(const uint8_t* p, size_t n, Workspace& ws, std::vector<uint32_t>& out) const {
    if (n == 1)
      out.push_back(rules_.byte_id[p[0]]);
    else if (n > 1)
      encode_key(PieceKey(p, n, p + n), ws, out);
  }

  // Pieces are looked up a few at a time: hashing a batch and prefetching its slots first lets
  // the memory reads of the vocabulary table overlap instead of waiting one after another.
  void encode_text(std::string_view text, tokensmith::SplitPattern pattern, Workspace& ws,
                   std::vector<uint32_t>& out) const {
    constexpr size_t kBatch = 16;
    out.reserve(out.size() + text.size() / 4 + 16);
    const uint8_t* base = reinterpret_cast<const uint8_t*>(text.data());
    const uint8_t* end = base + text.size();
    const BytesMap& first_map = piece_lookup_ ? vocab_ : ws.cache != nullptr ? ws.cache->map() : vocab_;
    const BytesMap* second_map = piece_lookup_ && ws.cache != nullptr ? &ws.cache->map() : nullptr;
    PieceKey keys[kBatch];
    size_t begins[kBatch], ends[kBatch], pending = 0;
    auto flush = [&]() {
      for (size_t i = 0; i < pending; ++i) {
        if (ends[i] - begins[i] < 2) continue;
        keys[i] = PieceKey(base + begins[i], ends[i] - begins[i], end);
        first_map.prefetch(keys[i]);
        if (second_map != nullptr) second_map->prefetch(keys[i]);
      }
      for (size_t i = 0; i < pending; ++i) {
        if (ends[i] - begins[i] == 1)
          out.push_back(rules_.byte_id[base[begins[i]]]);
        else if (ends[i] > begins[i])
          encode_key(keys[i], ws, out);
      }
      pending = 0;
    };
    tokensmith::pretokenize(pattern, text.data(), text.size(), [&](size_t b, size_t e) {
      begins[pending] = b;
      ends[pending] = e;
      if (++pending == kBatch) flush();
    });
    flush();
  }

  std::vector<uint32_t> encode_one(std::string_view text, tokensmith::SplitPattern pattern) {
    std::vector<uint32_t> ids;
    tokensmith::GilRelease release;
    with_workspace([&](Workspace& ws) { encode_text(text, pattern, ws, ids); });
    return ids;
  }

  // The object's own cache when no other thread is using it, else a cache-less workspace.
  template <class Work>
  void with_workspace(Work&& work) {
    std::unique_lock<std::mutex> lock(own_mutex_, std::try_to_lock);
    if (lock.owns_lock()) {
      work(own_);
    } else {
      Workspace local;
      work(local);
    }
  }

  static constexpr size_t kBytesPerThread = 1 << 20;

  // Texts go to threads in blocks of consecutive texts taken from an atomic counter: few enough
  // texts per block that a few long texts still spread, enough that short texts do not meet on
  // the counter. The calling thread keeps the tokenizer's own (warm) cache when it is free; the
  // others get their own.
  void run_workers(size_t threads, const std::vector<std::string_view>& views, tokensmith::SplitPattern pattern,
                   std::vector<std::vector<uint32_t>>& results) {
    const size_t block = std::max<size_t>(1, std::min<size_t>(256, views.size() / (threads * 16)));
    std::vector<Lane*> lanes;  // worker t > 0 takes lanes[t - 1]
    {
      std::lock_guard<std::mutex> grow(lanes_mutex_);
      while (lanes_.size() + 1 < threads) lanes_.push_back(std::make_unique<Lane>());
      for (size_t t = 1; t < threads; ++t) lanes.push_back(lanes_[t - 1].get());
    }
    std::atomic<size_t> next{0};
    std::vector<std::exception_ptr> errors(threads);
    auto work = [&](Workspace& ws) {
      for (size_t k; (k = next.fetch_add(block)) < views.size();)
        for (size_t i = k; i < std::min(k + block, views.size()); ++i) encode_text(views[i], pattern, ws, results[i]);
    };
    auto worker = [&](size_t t) {
      try {
        if (t == 0) {
          std::unique_lock<std::mutex> lock(own_mutex_, std::try_to_lock);
          if (lock.owns_lock()) return work(own_);
        } else {
          std::unique_lock<std::mutex> lock(lanes[t - 1]->mutex, std::try_to_lock);
          if (lock.owns_lock()) return work(lanes[t - 1]->ws);
        }
        PieceCache cache;  // the lane is busy with another call: a cache of this call's own
        Workspace ws;
        ws.cache = &cache;
        work(ws);
      } catch (...) {
        errors[t] = std::current_exception();
      }
    };
    tokensmith::ThreadGroup pool;  // a refused thread leaves its share to the others
    for (size_t t = 1; t < threads && pool.spawn(worker, t); ++t) {}
    worker(0);
    pool.join();
    for (auto& e : errors)
      if (e) std::rethrow_exception(e);
  }

  // Ids as a Python list; the int objects are made once at construction and shared.
  py::list to_list(const std::vector<uint32_t>& ids) const {
    PyObject* list = PyList_New(Py_ssize_t(ids.size()));
    if (list == nullptr) throw py::error_already_set();
    for (size_t i = 0; i < ids.size(); ++i) {
      PyObject* o = id_objects_[ids[i]].ptr();
      Py_INCREF(o);
      PyList_SET_ITEM(list, Py_ssize_t(i), o);
    }
    return py::reinterpret_steal<py::list>(list);
  }

  MergeRules rules_;
  BytesMap vocab_;
  size_t max_token_bytes_ = 0;
  bool piece_lookup_;
  std::vector<py::object> id_objects_;
  std::mutex own_mutex_;  // guards own_ and cache_
  PieceCache cache_;
  Workspace own_;
  std::mutex lanes_mutex_;  // guards the vector's growth, not the lanes (each has its own mutex)
  std::vector<std::unique_ptr<Lane>> lanes_;  // workers 1, 2, ... of batch calls
};

// The merge table of a tiktoken vocabulary (rank = id): every split of a token into two tokens,
// as rows [left, right, rank, merged] sorted by (rank, left, right). Cuts are tried only at
// lengths some token has, so a very long token costs no more than a short one.
// Readable twin: tokensmith._reference.bpe.tiktoken_merge_table.
py::array_t<int64_t> tiktoken_merge_table(const py::list& tokens) {
  std::vector<std::string> owned;
  owned.reserve(tokens.size());
  for (const py::handle& t : tokens) owned.emplace_back(py::cast<std::string>(t));
  std::vector<int64_t> rows;
  {
    tokensmith::GilRelease release;
    std::unordered_map<std::string_view, int64_t> id;
    id.reserve(owned.size() * 2);
    std::vector<size_t> lengths;
    for (size_t i = 0; i < owned.size(); ++i) {
      id.emplace(owned[i], static_cast<int64_t>(i));
      lengths.push_back(owned[i].size());
    }
    std::sort(lengths.begin(), lengths.end());
    lengths.erase(std::unique(lengths.begin(), lengths.end()), lengths.end());
    for (size_t merged = 0; merged < owned.size(); ++merged) {
      const std::string_view tok(owned[merged]);
      const size_t first = rows.size();
      for (size_t k : lengths) {
        if (k == 0) continue;
        if (k >= tok.size()) break;
        auto a = id.find(tok.substr(0, k));
        if (a == id.end()) continue;
        auto b = id.find(tok.substr(k));
        if (b == id.end()) continue;
        rows.insert(rows.end(), {a->second, b->second, static_cast<int64_t>(merged),
                                 static_cast<int64_t>(merged)});
      }
      // Rows of one token sorted by (left, right), as the reference's lexsort orders them.
      const size_t n = (rows.size() - first) / 4;
      std::vector<std::array<int64_t, 4>> block(n);
      for (size_t r = 0; r < n; ++r)
        for (size_t c = 0; c < 4; ++c) block[r][c] = rows[first + 4 * r + c];
      std::sort(block.begin(), block.end());
      for (size_t r = 0; r < n; ++r)
        for (size_t c = 0; c < 4; ++c) rows[first + 4 * r + c] = block[r][c];
    }
  }
  py::array_t<int64_t> out({static_cast<py::ssize_t>(rows.size() / 4), static_cast<py::ssize_t>(4)});
  std::copy(rows.begin(), rows.end(), out.mutable_data());
  return out;
}


}  // namespace

PYBIND11_MODULE(_bpe, m) {
  m.doc() = "Byte-level BPE encoder: compiled splitter + pair merging, GIL released.";
  py::class_<BPECore>(m, "BPECore")
      .def(py::init<const py::list&, const py::array&, bool>(), py::arg("tokens"), py::arg("table"),
           py::arg("piece_lookup"),
           "tokens[i] is the bytes of id i; table rows are [left_id, right_id, rank, merged_id]; "
           "piece_lookup: a piece that is itself a token is that token (tiktoken semantics).")
      .def("encode", &BPECore::encode, py::arg("text"), py::arg("splitter"))
      .def("encode_array", &BPECore::encode_array, py::arg("text"), py::arg("splitter"))
      .def("encode_batch", &BPECore::encode_batch, py::arg("texts"), py::arg("splitter"), py::arg("num_threads"))
      .def("encode_pieces", &BPECore::encode_pieces, py::arg("pieces"))
      .def_property_readonly("vocab_size", &BPECore::vocab_size);
  m.def("tiktoken_merge_table", &tiktoken_merge_table, py::arg("tokens"),
        "Rows [left, right, rank, merged] of every two-token split of each token (rank = id).");
}
