#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "common/strings.h"

BOOST_AUTO_TEST_SUITE(strings)

BOOST_AUTO_TEST_CASE(trim_removes_surrounding_whitespace) {
  BOOST_TEST(ecom::trim("  a b \t\r\n") == "a b");
  BOOST_TEST(ecom::trim("") == "");
  BOOST_TEST(ecom::trim(" \t ") == "");
  BOOST_TEST(ecom::trim("x") == "x");
}

BOOST_AUTO_TEST_CASE(case_helpers_are_ascii_only) {
  BOOST_TEST(ecom::to_lower("AbC-12") == "abc-12");
  BOOST_TEST(ecom::to_upper("AbC-12") == "ABC-12");
  BOOST_TEST(ecom::to_lower("\xC3\x89") == "\xC3\x89");  // É is left alone
  BOOST_TEST(ecom::iequals("Premium", "PREMIUM"));
  BOOST_TEST(ecom::iequals("", ""));
  BOOST_TEST(!ecom::iequals("Premium", "Premiu"));
  BOOST_TEST(!ecom::iequals("basic", "basik"));
}

BOOST_AUTO_TEST_CASE(split_keeps_empty_fields) {
  BOOST_TEST(ecom::split("a,,b", ',') == (std::vector<std::string>{"a", "", "b"}));
  BOOST_TEST(ecom::split("", ',') == (std::vector<std::string>{""}));
  BOOST_TEST(ecom::split("a,", ',') == (std::vector<std::string>{"a", ""}));
  BOOST_TEST(ecom::split("abc", ',') == (std::vector<std::string>{"abc"}));
}

BOOST_AUTO_TEST_CASE(parse_int_is_strict) {
  BOOST_TEST(ecom::parse_int("0").value_or(-1) == 0);
  BOOST_TEST(ecom::parse_int("42").value_or(-1) == 42);
  BOOST_TEST(ecom::parse_int("-5").value_or(0) == -5);
  BOOST_TEST(ecom::parse_int("007").value_or(-1) == 7);
  BOOST_TEST(ecom::parse_int("9223372036854775807").value_or(-1) == 9223372036854775807LL);
  for (const char* s : {"", "-", "+1", " 1", "1 ", "1.0", "1e3", "abc", "0x10", "9223372036854775808",
                        "99999999999999999999", "123456789012345678901"})
    BOOST_TEST(!ecom::parse_int(s).has_value(), "parse_int(\"" << s << "\") should fail");
}

BOOST_AUTO_TEST_CASE(url_decode_decodes_escapes) {
  BOOST_TEST(ecom::url_decode("a%20b", true).value_or("?") == "a b");
  BOOST_TEST(ecom::url_decode("%41%4a%4A", false).value_or("?") == "AJJ");
  BOOST_TEST(ecom::url_decode("caf%C3%A9", false).value_or("?") == "caf\xC3\xA9");
  BOOST_TEST(ecom::url_decode("", false).value_or("?") == "");
  BOOST_TEST(ecom::url_decode("%25", false).value_or("?") == "%");
  BOOST_TEST(ecom::url_decode("%00", false).value_or("?") == std::string(1, '\0'));
}

BOOST_AUTO_TEST_CASE(url_decode_plus_is_space_only_when_asked) {
  BOOST_TEST(ecom::url_decode("a+b", true).value_or("?") == "a b");
  BOOST_TEST(ecom::url_decode("a+b", false).value_or("?") == "a+b");
  BOOST_TEST(ecom::url_decode("a%2Bb", true).value_or("?") == "a+b");
}

BOOST_AUTO_TEST_CASE(url_decode_rejects_malformed_escapes) {
  for (const char* s : {"%", "%4", "abc%", "abc%4", "%zz", "%4g", "%g4", "%%", "%%41", "a%2", "% 1"})
    BOOST_TEST(!ecom::url_decode(s, true).has_value(), "url_decode(\"" << s << "\") should fail");
}

BOOST_AUTO_TEST_CASE(valid_utf8_accepts_well_formed_text) {
  BOOST_TEST(ecom::valid_utf8(""));
  BOOST_TEST(ecom::valid_utf8("hello"));
  BOOST_TEST(ecom::valid_utf8("h\xC3\xA9llo"));            // é
  BOOST_TEST(ecom::valid_utf8("\xE2\x82\xAC"));            // €
  BOOST_TEST(ecom::valid_utf8("\xF0\x9F\x98\x80"));        // 😀
  BOOST_TEST(ecom::valid_utf8("\xED\x9F\xBF"));            // U+D7FF, just below surrogates
  BOOST_TEST(ecom::valid_utf8("\xEE\x80\x80"));            // U+E000, just above surrogates
  BOOST_TEST(ecom::valid_utf8("\xF4\x8F\xBF\xBF"));        // U+10FFFF
  BOOST_TEST(ecom::valid_utf8("\xC2\x80"));                // U+0080, smallest 2-byte
}

BOOST_AUTO_TEST_CASE(valid_utf8_rejects_overlong_forms) {
  BOOST_TEST(!ecom::valid_utf8("\xC0\xAF"));
  BOOST_TEST(!ecom::valid_utf8("\xC1\xBF"));
  BOOST_TEST(!ecom::valid_utf8("\xE0\x80\xAF"));
  BOOST_TEST(!ecom::valid_utf8("\xE0\x9F\xBF"));
  BOOST_TEST(!ecom::valid_utf8("\xF0\x80\x80\xAF"));
  BOOST_TEST(!ecom::valid_utf8("\xF0\x8F\xBF\xBF"));
}

BOOST_AUTO_TEST_CASE(valid_utf8_rejects_surrogates_and_out_of_range) {
  BOOST_TEST(!ecom::valid_utf8("\xED\xA0\x80"));      // U+D800
  BOOST_TEST(!ecom::valid_utf8("\xED\xBF\xBF"));      // U+DFFF
  BOOST_TEST(!ecom::valid_utf8("\xF4\x90\x80\x80"));  // U+110000
  BOOST_TEST(!ecom::valid_utf8("\xF5\x80\x80\x80"));
  BOOST_TEST(!ecom::valid_utf8("\xF8\x88\x80\x80\x80"));
  BOOST_TEST(!ecom::valid_utf8("\xFF"));
  BOOST_TEST(!ecom::valid_utf8("\xFE"));
}

BOOST_AUTO_TEST_CASE(valid_utf8_rejects_nul) {
  BOOST_TEST(!ecom::valid_utf8(std::string("a\0b", 3)));
  BOOST_TEST(!ecom::valid_utf8(std::string(1, '\0')));
}

BOOST_AUTO_TEST_CASE(valid_utf8_rejects_truncated_and_stray_bytes) {
  BOOST_TEST(!ecom::valid_utf8("\xC3"));
  BOOST_TEST(!ecom::valid_utf8("\xE2\x82"));
  BOOST_TEST(!ecom::valid_utf8("\xF0\x9F\x98"));
  BOOST_TEST(!ecom::valid_utf8("abc\xE2\x82"));
  BOOST_TEST(!ecom::valid_utf8("\x80"));              // lone continuation byte
  BOOST_TEST(!ecom::valid_utf8("\xC3\x28"));          // lead byte followed by ASCII
  BOOST_TEST(!ecom::valid_utf8("\xE2\x28\xA1"));
}

BOOST_AUTO_TEST_CASE(utf8_length_counts_code_points) {
  BOOST_TEST(ecom::utf8_length("") == 0u);
  BOOST_TEST(ecom::utf8_length("abc") == 3u);
  BOOST_TEST(ecom::utf8_length("h\xC3\xA9llo") == 5u);
  BOOST_TEST(ecom::utf8_length("\xE2\x82\xAC\xF0\x9F\x98\x80") == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
