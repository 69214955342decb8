#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "auth/base64url.h"
#include "auth/jwt.h"

using namespace ecom::auth;

namespace {
const std::string kKey = "0123456789abcdef0123456789abcdef";
const int64_t kNow = 1800000000;

Claims sample(int64_t exp, const std::string& typ = "provision-confirm") {
  Claims c;
  c.strings = {{"sub", "abc"}, {"typ", typ}};
  c.numbers = {{"iat", kNow - 10}, {"exp", exp}};
  return c;
}

// Replaces one dot-separated part of a token.
std::string with_part(const std::string& token, int index, const std::string& part) {
  size_t d1 = token.find('.'), d2 = token.find('.', d1 + 1);
  std::string parts[3] = {token.substr(0, d1), token.substr(d1 + 1, d2 - d1 - 1), token.substr(d2 + 1)};
  parts[index] = part;
  return parts[0] + "." + parts[1] + "." + parts[2];
}
}  // namespace

BOOST_AUTO_TEST_SUITE(base64url)

BOOST_AUTO_TEST_CASE(round_trips_every_length) {
  std::string data;
  for (int n = 0; n < 40; ++n) {
    BOOST_TEST(base64url_decode(base64url_encode(data)).value() == data);
    data.push_back(static_cast<char>(n * 37));
  }
}

BOOST_AUTO_TEST_CASE(uses_the_url_alphabet_without_padding) {
  BOOST_TEST(base64url_encode("\xfb\xff") == "-_8");
  BOOST_TEST(base64url_encode("ab") == "YWI");
}

BOOST_AUTO_TEST_CASE(rejects_padding_foreign_characters_and_bad_lengths) {
  BOOST_TEST(!base64url_decode("YWI=").has_value());
  BOOST_TEST(!base64url_decode("YW+I").has_value());
  BOOST_TEST(!base64url_decode("Y").has_value());
  BOOST_TEST(!base64url_decode("YWJ").has_value());  // non-zero leftover bits
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(jwt)

BOOST_AUTO_TEST_CASE(signed_token_verifies_with_its_claims) {
  auto t = jwt_sign(sample(kNow + 60), kKey);
  auto r = jwt_verify(t, kKey, "provision-confirm", kNow);
  BOOST_TEST_REQUIRE(r.ok());
  BOOST_TEST(*r.claims->str("sub") == "abc");
  BOOST_TEST(r.claims->num("exp").value() == kNow + 60);
}

BOOST_AUTO_TEST_CASE(wrong_key_is_a_bad_signature) {
  auto t = jwt_sign(sample(kNow + 60), kKey);
  auto r = jwt_verify(t, "another key another key another k", "provision-confirm", kNow);
  BOOST_TEST(!r.ok());
  BOOST_TEST(static_cast<int>(r.error) == static_cast<int>(JwtError::BadSignature));
}

BOOST_AUTO_TEST_CASE(tampered_payload_is_a_bad_signature) {
  auto t = jwt_sign(sample(kNow + 60), kKey);
  auto forged = with_part(t, 1, base64url_encode(R"({"sub":"someone-else","typ":"provision-confirm","exp":1900000000})"));
  BOOST_TEST(static_cast<int>(jwt_verify(forged, kKey, "", kNow).error) == static_cast<int>(JwtError::BadSignature));
}

BOOST_AUTO_TEST_CASE(alg_none_and_other_algorithms_are_refused) {
  auto t = jwt_sign(sample(kNow + 60), kKey);
  for (const char* header : {R"({"alg":"none","typ":"JWT"})", R"({"alg":"HS512"})", R"({"alg":"RS256"})",
                             R"({"typ":"JWT"})", R"({"alg":"hs256"})"}) {
    auto forged = with_part(t, 0, base64url_encode(header));
    BOOST_TEST(static_cast<int>(jwt_verify(forged, kKey, "", kNow).error) ==
               static_cast<int>(JwtError::BadAlgorithm));
    BOOST_TEST(!jwt_verify(with_part(forged, 2, ""), kKey, "", kNow).ok());
  }
}

BOOST_AUTO_TEST_CASE(expired_or_missing_exp_is_refused) {
  BOOST_TEST(static_cast<int>(jwt_verify(jwt_sign(sample(kNow), kKey), kKey, "", kNow).error) ==
             static_cast<int>(JwtError::Expired));
  Claims no_exp = sample(0);
  no_exp.numbers.erase("exp");
  BOOST_TEST(!jwt_verify(jwt_sign(no_exp, kKey), kKey, "", kNow).ok());
}

BOOST_AUTO_TEST_CASE(wrong_type_is_refused) {
  auto t = jwt_sign(sample(kNow + 60, "access"), kKey);
  BOOST_TEST(static_cast<int>(jwt_verify(t, kKey, "provision-confirm", kNow).error) ==
             static_cast<int>(JwtError::WrongType));
  BOOST_TEST(jwt_verify(t, kKey, "access", kNow).ok());
}

BOOST_AUTO_TEST_CASE(malformed_tokens_are_refused) {
  for (const char* t : {"", "a", "a.b", "a.b.c.d", "..", "eyJhbGciOiJIUzI1NiJ9..", "!!!.???.###"})
    BOOST_TEST(!jwt_verify(t, kKey, "", kNow).ok());
}

BOOST_AUTO_TEST_CASE(bearer_header_parsing) {
  std::string h1 = "Bearer abc.def.ghi", h2 = "bearer  xyz ", h3 = "Basic abc", h4 = "Bearer ", h5 = "Bearerabc";
  BOOST_TEST(bearer_token(&h1).value() == "abc.def.ghi");
  BOOST_TEST(bearer_token(&h2).value() == "xyz");
  BOOST_TEST(!bearer_token(&h3).has_value());
  BOOST_TEST(!bearer_token(&h4).has_value());
  BOOST_TEST(!bearer_token(&h5).has_value());
  BOOST_TEST(!bearer_token(nullptr).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
