// SentencePiece's score-based BPE for one word: characters (or user-defined symbols) merged by
// the highest-scoring adjacent pair that forms a piece (leftmost on ties), unused pieces split
// back, unknown symbols written as byte pieces or unk. Twin of SentencePieceBPEModel.merge and
// _encode_symbols in tokensmith/models/bpe/sentencepiece.py; tests compare both.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <limits>
#include <atomic>
#include <queue>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "flat_string_map.h"
#include "spm_encoder.h"
#include "gil.h"

namespace py = pybind11;

namespace {

size_t char_length(unsigned char first) {
    if (first < 0xC0) return 1;
    if (first < 0xE0) return 2;
    if (first < 0xF0) return 3;
    return 4;
}

class SpmBpeCore {
  public:
    SpmBpeCore(const std::vector<py::bytes>& mergeable, const std::vector<int>& mergeable_ids,
               const std::vector<double>& scores, const std::vector<bool>& unused,
               const std::vector<py::bytes>& user_defined, const std::vector<py::bytes>& reserved,
               const std::vector<int>& reserved_ids, int unk_id, const std::vector<int>& byte_ids)
        : scores_(scores), unused_(unused), unk_id_(unk_id), byte_ids_(byte_ids) {
        storage_.reserve(mergeable.size() + reserved.size() + user_defined.size());
        for (size_t k = 0; k < mergeable.size(); ++k) {
            storage_.emplace_back(mergeable[k]);
            mergeable_.insert(storage_.back(), mergeable_ids[k]);
        }
        for (size_t k = 0; k < reserved.size(); ++k) {
            storage_.emplace_back(reserved[k]);
            reserved_.insert(storage_.back(), reserved_ids[k]);
        }
        for (const auto& u : user_defined) {
            storage_.emplace_back(u);
            user_.push_back(storage_.back());
            if (!storage_.back().empty()) user_first_byte_[static_cast<unsigned char>(storage_.back()[0])] = true;
        }
        std::sort(user_.begin(), user_.end(),
                  [](std::string_view a, std::string_view b) { return a.size() > b.size(); });
        build_id_tables(mergeable_ids);
    }

    struct Symbol {
        size_t begin, size;
        int prev, next;
        int id;  // the piece it spells, -1 if none (then pairs are looked up by string)
        bool frozen;
    };
    struct Pair {
        double score;
        int left, right;
        size_t size;
        int id;
    };
    // Buffers reused from word to word.
    struct WordScratch {
        std::vector<Symbol> symbols;
        std::vector<Pair> agenda;
        std::vector<std::string_view> stack;
        std::vector<int> ids;
    };

    std::vector<int> encode_word(std::string_view word) const {
        WordScratch scratch;
        std::vector<int> ids;
        encode_word_into(word, scratch, ids);
        return ids;
    }

    // Appends the ids of word (unknown runs fused within it).
    void encode_word_into(std::string_view word, WordScratch& ws, std::vector<int>& ids) const {
        auto worse = [](const Pair& a, const Pair& b) {
            return a.score < b.score || (a.score == b.score && a.left > b.left);
        };
        std::vector<Symbol>& symbols = ws.symbols;
        symbols.clear();
        for (size_t pos = 0; pos < word.size();) {
            size_t width = 0;
            bool frozen = false;
            if (user_first_byte_[static_cast<unsigned char>(word[pos])]) {
                for (std::string_view u : user_) {
                    if (word.compare(pos, u.size(), u) == 0) {
                        width = u.size();
                        frozen = true;
                        break;
                    }
                }
            }
            if (!width) width = std::min(char_length(static_cast<unsigned char>(word[pos])), word.size() - pos);
            int index = static_cast<int>(symbols.size());
            symbols.push_back({pos, width, index - 1, -1, frozen ? -1 : char_id(word.data() + pos, width), frozen});
            if (index > 0) symbols[index - 1].next = index;
            pos += width;
        }
        std::string_view text = word;
        auto view = [&](const Symbol& s) { return text.substr(s.begin, s.size); };
        std::vector<Pair>& agenda = ws.agenda;  // a heap under `worse`
        agenda.clear();
        std::unordered_map<std::string_view, std::pair<std::string_view, std::string_view>> split_back;
        auto consider = [&](int left, int right) {
            if (left < 0 || right < 0 || symbols[left].frozen || symbols[right].frozen) return;
            int id = -1;
            if (symbols[left].id >= 0 && symbols[right].id >= 0) {
                id = pair_id(symbols[left].id, symbols[right].id);
            } else {
                const int* it = mergeable_.find(
                    text.substr(symbols[left].begin, symbols[left].size + symbols[right].size));
                if (it != nullptr) id = *it;
            }
            if (id < 0) return;
            agenda.push_back({scores_[id], left, right, symbols[left].size + symbols[right].size, id});
            std::push_heap(agenda.begin(), agenda.end(), worse);
            if (unused_[id])
                split_back[text.substr(symbols[left].begin, symbols[left].size + symbols[right].size)] = {
                    view(symbols[left]), view(symbols[right])};
        };
        for (size_t k = 0; k + 1 < symbols.size(); ++k) consider(static_cast<int>(k), static_cast<int>(k + 1));
        while (!agenda.empty()) {
            std::pop_heap(agenda.begin(), agenda.end(), worse);
            Pair top = agenda.back();
            agenda.pop_back();
            Symbol& left = symbols[top.left];
            Symbol& right = symbols[top.right];
            if (!left.size || !right.size || left.size + right.size != top.size) continue;  // stale
            left.size += right.size;
            left.id = top.id;
            right.size = 0;
            left.next = right.next;
            if (right.next >= 0) symbols[right.next].prev = top.left;
            consider(left.prev, top.left);
            consider(top.left, left.next);
        }
        std::vector<std::string_view>& stack = ws.stack;
        for (int k = symbols.empty() ? -1 : 0; k >= 0; k = symbols[k].next) {
            int id = symbols[k].id;
            if (id >= 0 && !unused_[id] && emit_as_[id] != unk_id_) {  // the common case, by id
                ids.push_back(emit_as_[id]);
                continue;
            }
            stack.assign(1, view(symbols[k]));
            while (!stack.empty()) {  // depth-first, left part first: re-split unused pieces
                std::string_view piece = stack.back();
                stack.pop_back();
                const int* it = mergeable_.find(piece);
                if (it != nullptr && unused_[*it]) {
                    auto back = split_back.find(piece);
                    if (back != split_back.end()) {
                        stack.push_back(back->second.second);
                        stack.push_back(back->second.first);
                        continue;
                    }
                }
                emit(piece, ids);
            }
        }
    }

    // -- whole texts (spm_encoder.h): words cached per thread, unknown runs fused across words --
    struct Scratch {
        tokensmith::spm::WordCache cache;
        WordScratch word;
    };

    void set_split_words(bool split_words) { split_words_ = split_words; }
    uint64_t generation() const { return generation_.load(std::memory_order_relaxed); }
    void clear_cache() { generation_.fetch_add(1, std::memory_order_relaxed); }

    void segment(std::string_view piece, std::vector<int>& out, Scratch& s) const {
        auto add = [&](const int* ids, size_t count) {
            if (byte_ids_.empty() && count && !out.empty() && ids[0] == unk_id_ && out.back() == unk_id_) {
                ++ids;  // an unknown run continues across the word boundary
                --count;
            }
            out.insert(out.end(), ids, ids + count);
        };
        std::vector<int>& ids = s.word.ids;
        if (!split_words_) {
            ids.clear();
            encode_word_into(piece, s.word, ids);
            add(ids.data(), ids.size());
            return;
        }
        uint64_t gen = generation();
        tokensmith::spm::for_each_word(piece, [&](std::string_view word) {
            size_t count = 0;
            const int* hit = s.cache.find(word, count, gen);
            if (hit) {
                add(hit, count);
                return;
            }
            ids.clear();
            encode_word_into(word, s.word, ids);
            s.cache.insert(word, ids.data(), ids.size());
            add(ids.data(), ids.size());
        });
    }

  private:
    // Ids instead of strings for the merge loop: single characters through a table of the BMP,
    // pairs of pieces through a sorted list per left piece of (right piece, merged piece),
    // every split of every piece into two pieces. Both give what mergeable_ gives by string.
    void build_id_tables(const std::vector<int>& mergeable_ids) {
        char_ids_.assign(0x10000, -1);
        emit_as_.assign(scores_.size(), -1);
        std::vector<std::pair<std::pair<int, int>, int>> pairs;
        // Both halves of a merge are pieces: cuts only at lengths some piece has, so a very long
        // piece costs no more than a short one (every cut made loading quadratic in its length).
        std::vector<size_t> lengths;
        for (size_t k = 0; k < mergeable_ids.size(); ++k) lengths.push_back(storage_[k].size());
        std::sort(lengths.begin(), lengths.end());
        lengths.erase(std::unique(lengths.begin(), lengths.end()), lengths.end());
        for (size_t k = 0; k < mergeable_ids.size(); ++k) {
            std::string_view piece = storage_[k];
            int id = mergeable_ids[k];
            const int* r = reserved_.find(piece);
            emit_as_[id] = r != nullptr ? *r : id;
            uint32_t cp;
            if (bmp_char(piece.data(), piece.size(), cp)) char_ids_[cp] = id;
            for (size_t cut : lengths) {
                if (cut == 0) continue;
                if (cut >= piece.size()) break;
                const int* left = mergeable_.find(piece.substr(0, cut));
                if (left == nullptr) continue;
                const int* right = mergeable_.find(piece.substr(cut));
                if (right != nullptr) pairs.push_back({{*left, *right}, id});
            }
        }
        std::sort(pairs.begin(), pairs.end());
        pair_begin_.assign(scores_.size() + 1, 0);
        for (auto& p : pairs) ++pair_begin_[p.first.first + 1];
        for (size_t k = 0; k + 1 < pair_begin_.size(); ++k) pair_begin_[k + 1] += pair_begin_[k];
        for (auto& p : pairs) pair_right_.push_back({p.first.second, p.second});
    }

    // The code point of data[0, width) if it is exactly one character of the BMP.
    static bool bmp_char(const char* data, size_t width, uint32_t& cp) {
        auto b = reinterpret_cast<const unsigned char*>(data);
        if (width == 1 && b[0] < 0x80) cp = b[0];
        else if (width == 2 && (b[0] & 0xE0) == 0xC0 && (b[1] & 0xC0) == 0x80)
            cp = (uint32_t(b[0] & 0x1F) << 6) | (b[1] & 0x3F);
        else if (width == 3 && (b[0] & 0xF0) == 0xE0 && (b[1] & 0xC0) == 0x80 && (b[2] & 0xC0) == 0x80)
            cp = (uint32_t(b[0] & 0x0F) << 12) | (uint32_t(b[1] & 0x3F) << 6) | (b[2] & 0x3F);
        else return false;
        return true;
    }

    int char_id(const char* data, size_t width) const {
        uint32_t cp;
        if (bmp_char(data, width, cp)) return char_ids_[cp];
        const int* it = mergeable_.find(std::string_view(data, width));
        return it == nullptr ? -1 : *it;
    }

    int pair_id(int left, int right) const {
        const std::pair<int, int>* lo = pair_right_.data() + pair_begin_[left];
        const std::pair<int, int>* hi = pair_right_.data() + pair_begin_[left + 1];
        if (hi - lo > 8) {
            lo = std::lower_bound(lo, hi, std::make_pair(right, std::numeric_limits<int>::min()));
        } else {
            while (lo < hi && lo->first < right) ++lo;
        }
        return lo < hi && lo->first == right ? lo->second : -1;
    }

    void emit(std::string_view piece, std::vector<int>& ids) const {
        const int* r = reserved_.find(piece);
        int id = unk_id_;
        if (r != nullptr) {
            id = *r;
        } else {
            const int* m = mergeable_.find(piece);
            if (m != nullptr) id = *m;
        }
        if (id != unk_id_) {
            ids.push_back(id);
        } else if (!byte_ids_.empty()) {
            for (unsigned char b : piece) ids.push_back(byte_ids_[b]);
        } else if (ids.empty() || ids.back() != unk_id_) {
            ids.push_back(unk_id_);
        }
    }

    std::vector<std::string> storage_;
    tokensmith::FlatStringMap<int> mergeable_, reserved_;
    std::vector<std::string_view> user_;
    bool user_first_byte_[256] = {};
    std::vector<double> scores_;
    std::vector<bool> unused_;
    int unk_id_;
    std::vector<int> byte_ids_;
    std::vector<int> char_ids_, emit_as_, pair_begin_;
    std::vector<std::pair<int, int>> pair_right_;
    bool split_words_ = false;
    std::atomic<uint64_t> generation_{0};
};

}  // namespace

PYBIND11_MODULE(_spm_bpe, m) {
    m.doc() = "SentencePiece score-based BPE for one word (twin of models/bpe/sentencepiece.py)";
    tokensmith::spm::bind_text_encoder<SpmBpeCore>(m, "SpmBpeTextEncoder");
    py::class_<SpmBpeCore>(m, "SpmBpeCore")
        .def(py::init<const std::vector<py::bytes>&, const std::vector<int>&, const std::vector<double>&,
                      const std::vector<bool>&, const std::vector<py::bytes>&, const std::vector<py::bytes>&,
                      const std::vector<int>&, int, const std::vector<int>&>())
        .def("set_split_words", &SpmBpeCore::set_split_words)
        .def("clear_cache", &SpmBpeCore::clear_cache)
        .def("text_encoder", [](const SpmBpeCore& self, const py::dict& spec) {
            return new tokensmith::spm::TextEncoder<SpmBpeCore>(self, tokensmith::spm::pipeline_from_spec(spec));
        }, py::keep_alive<0, 1>())
        .def("encode_word", [](const SpmBpeCore& self, py::bytes word) {
            std::string data(word);
            std::vector<int> ids;
            {
                tokensmith::GilRelease release;
                ids = self.encode_word(data);
            }
            return ids;
        });
}
