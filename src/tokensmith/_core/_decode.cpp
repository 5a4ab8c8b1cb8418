// tokensmith._core._decode: ids to bytes for vocabularies whose text is the concatenation of their
// tokens' bytes (ByteDecoder). Readable twin: tokensmith._reference.decode.join_token_bytes.
//
//   TokenTable(tokens)      tokens[i]: the bytes of id i, or None for an id without bytes
//   TokenTable.join(ids)    the tokens' bytes joined; ids a NumPy integer array (read in place,
//                           GIL released) or any sequence of ints
//   len(TokenTable)         the number of ids
//
// An id outside the table, or one without bytes, is tokensmith's InputError naming it.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "gil.h"
#include "py_errors.h"

namespace py = pybind11;

namespace {

class TokenTable {
  public:
    explicit TokenTable(const py::list& tokens) {
        offsets_.reserve(tokens.size() + 1);
        present_.reserve(tokens.size());
        offsets_.push_back(0);
        for (py::handle token : tokens) {
            const bool present = !token.is_none();
            if (present) {
                if (!PyBytes_Check(token.ptr())) throw py::type_error("token bytes must be bytes or None");
                blob_.append(PyBytes_AS_STRING(token.ptr()), size_t(PyBytes_GET_SIZE(token.ptr())));
            }
            present_.push_back(present);
            offsets_.push_back(blob_.size());
        }
    }

    size_t size() const { return present_.size(); }

    py::bytes join(const py::object& ids) const {
        if (py::isinstance<py::array>(ids)) return join_array(py::reinterpret_borrow<py::array>(ids));
        py::object seq = py::reinterpret_steal<py::object>(PySequence_Fast(ids.ptr(), "token ids must be a sequence of ints"));
        if (!seq) throw py::error_already_set();
        const Py_ssize_t n = PySequence_Fast_GET_SIZE(seq.ptr());
        PyObject** items = PySequence_Fast_ITEMS(seq.ptr());
        std::vector<int64_t> values(static_cast<size_t>(n));
        for (Py_ssize_t k = 0; k < n; ++k) {
            const long long v = PyLong_AsLongLong(items[k]);  // ints, or objects with __index__
            if (v == -1 && PyErr_Occurred()) unconvertible(values.data(), size_t(k), items[k]);
            values[size_t(k)] = v;
        }
        return join_values(values.data(), values.size());
    }

  private:
    // ids[k] is no int64 (PyLong_AsLongLong has set the error): the error the reference gives,
    // which reads the ids in order. An id before it outside the table comes first; an int beyond
    // int64 is outside the table too (InputError, not OverflowError); other objects keep their
    // TypeError.
    [[noreturn]] void unconvertible(const int64_t* ids, size_t k, PyObject* item) const {
        for (size_t j = 0; j < k; ++j)
            if (!valid(ids[j])) out_of_range(std::to_string(ids[j]));
        if (!PyErr_ExceptionMatches(PyExc_OverflowError)) throw py::error_already_set();
        PyErr_Clear();
        PyObject* index = PyNumber_Index(item);
        if (index == nullptr) throw py::error_already_set();
        out_of_range(py::str(py::reinterpret_steal<py::object>(index)).cast<std::string>());
    }

    [[noreturn]] void out_of_range(const std::string& id) const {
        PyErr_Clear();
        tokensmith::raise_tokensmith("InputError", "token id " + id + " is out of range (vocabulary size " +
                                                       std::to_string(size()) + ")");
    }

    py::bytes join_array(const py::array& ids) const {
        const char kind = ids.dtype().kind();
        if ((kind != 'i' && kind != 'u') || ids.ndim() != 1)
            throw py::type_error("token ids must be a one-dimensional integer array");
        py::array flat = py::array::ensure(ids, py::array::c_style);  // a copy only if strided
        switch (ids.dtype().itemsize() * (kind == 'u' ? -1 : 1)) {
            case 1: return join_typed<int8_t>(flat);
            case 2: return join_typed<int16_t>(flat);
            case 4: return join_typed<int32_t>(flat);
            case 8: return join_typed<int64_t>(flat);
            case -1: return join_typed<uint8_t>(flat);
            case -2: return join_typed<uint16_t>(flat);
            case -4: return join_typed<uint32_t>(flat);
            default: return join_typed<uint64_t>(flat);
        }
    }

    template <class T>
    py::bytes join_typed(const py::array& flat) const {
        return join_values(static_cast<const T*>(flat.data()), size_t(flat.size()));
    }

    // Two passes: check every id and sum the lengths, then copy into the bytes object.
    template <class T>
    py::bytes join_values(const T* ids, size_t n) const {
        size_t total = 0, bad = n;
        {
            tokensmith::GilRelease release;
            for (size_t k = 0; k < n; ++k) {
                if (!valid(ids[k])) {
                    bad = k;
                    break;
                }
                total += length(size_t(ids[k]));
            }
        }
        if (bad < n) out_of_range(std::to_string(ids[bad]));
        py::bytes out = py::reinterpret_steal<py::bytes>(PyBytes_FromStringAndSize(nullptr, Py_ssize_t(total)));
        if (!out) throw py::error_already_set();
        char* dst = PyBytes_AS_STRING(out.ptr());
        size_t room = total;
        {
            tokensmith::GilRelease release;
            for (size_t k = 0; k < n; ++k) {
                // Checked again: another thread may write to the array between the passes.
                const size_t len = valid(ids[k]) ? length(size_t(ids[k])) : room + 1;
                if (len > room) break;
                std::memcpy(dst, blob_.data() + offsets_[size_t(ids[k])], len);
                dst += len;
                room -= len;
            }
        }
        if (dst != PyBytes_AS_STRING(out.ptr()) + total) throw std::runtime_error("the token ids changed while being decoded");
        return out;
    }

    template <class T>
    bool valid(T id) const {
        if constexpr (std::is_signed_v<T>) {
            if (id < 0) return false;
        }
        return uint64_t(id) < present_.size() && present_[size_t(id)];
    }

    size_t length(size_t id) const { return offsets_[id + 1] - offsets_[id]; }

    std::string blob_;              // every token's bytes, end to end
    std::vector<size_t> offsets_;   // id i is blob_[offsets_[i], offsets_[i + 1])
    std::vector<uint8_t> present_;  // 0: the id has no bytes (a gap below a special token)
};

}  // namespace

PYBIND11_MODULE(_decode, m) {
    m.doc() = "Token ids to bytes for byte-join vocabularies (twin of _reference/decode.py)";
    py::class_<TokenTable>(m, "TokenTable")
        .def(py::init<const py::list&>(), py::arg("tokens"))
        .def("join", &TokenTable::join, py::arg("ids"),
             "The bytes of `ids` joined (a NumPy integer array or a sequence of ints).")
        .def("__len__", &TokenTable::size);
}
