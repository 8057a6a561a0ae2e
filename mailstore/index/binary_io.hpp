// mailstore/index/binary_io.hpp - little-endian encoding for the index, log and cache files,
// and the CRC-32 (IEEE 802.3 polynomial) that guards every record against torn writes.
#pragma once
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace mailroom::mailstore::index {

std::uint32_t crc32(std::string_view bytes, std::uint32_t crc = 0);

class ByteWriter {
public:
    explicit ByteWriter(std::string& out) : out_(out) {}
    void u8(std::uint8_t v) { out_ += static_cast<char>(v); }
    void u16(std::uint16_t v) { raw(&v, 2); }
    void u32(std::uint32_t v) { raw(&v, 4); }
    void u64(std::uint64_t v) { raw(&v, 8); }
    void i64(std::int64_t v) { raw(&v, 8); }
    // Length-prefixed (u16 or u32) byte strings.
    void short_string(std::string_view s) { u16(static_cast<std::uint16_t>(s.size())); out_.append(s); }
    void long_string(std::string_view s) { u32(static_cast<std::uint32_t>(s.size())); out_.append(s); }

private:
    void raw(const void* p, std::size_t n)   // the targets are little-endian (x86-64, arm64)
    {
        out_.append(static_cast<const char*>(p), n);
    }
    std::string& out_;
};

// Reads from a byte range; every accessor fails (returns nullopt, sets failed()) past the end.
class ByteReader {
public:
    explicit ByteReader(std::string_view in) : in_(in) {}
    std::optional<std::uint8_t> u8() { return raw<std::uint8_t>(); }
    std::optional<std::uint16_t> u16() { return raw<std::uint16_t>(); }
    std::optional<std::uint32_t> u32() { return raw<std::uint32_t>(); }
    std::optional<std::uint64_t> u64() { return raw<std::uint64_t>(); }
    std::optional<std::int64_t> i64() { return raw<std::int64_t>(); }
    std::optional<std::string_view> bytes(std::size_t n)
    {
        if (failed_ || in_.size() - pos_ < n) {
            failed_ = true;
            return std::nullopt;
        }
        const auto view = in_.substr(pos_, n);
        pos_ += n;
        return view;
    }
    std::optional<std::string_view> short_string()
    {
        const auto n = u16();
        return n ? bytes(*n) : std::nullopt;
    }
    std::optional<std::string_view> long_string()
    {
        const auto n = u32();
        return n ? bytes(*n) : std::nullopt;
    }
    bool failed() const { return failed_; }
    bool at_end() const { return pos_ == in_.size(); }
    std::size_t position() const { return pos_; }

private:
    template <class T>
    std::optional<T> raw()
    {
        if (failed_ || in_.size() - pos_ < sizeof(T)) {
            failed_ = true;
            return std::nullopt;
        }
        T value;
        std::memcpy(&value, in_.data() + pos_, sizeof(T));
        pos_ += sizeof(T);
        return value;
    }
    std::string_view in_;
    std::size_t pos_ = 0;
    bool failed_ = false;
};

}  // namespace mailroom::mailstore::index
