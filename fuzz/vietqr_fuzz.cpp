// Fuzz target: VietQR decode + lint (POST /v1/qr/decode and /lint, the stall set-up that scans an
// owner's bank-app QR, the sign check) and the encoder's round trip.
//
// Properties: a payload that fails to decode always lints with an error; a decoded VietQR that
// re-encodes decodes back to the same payload; a payload built from the input that encodes
// decodes to itself; nothing reads out of bounds whatever the declared TLV lengths say.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_check.h"
#include "qr/lint.h"
#include "qr/vietqr.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cho4;
  const std::string_view text = fuzz::as_view(data, size);

  const auto decoded = qr::decode(text);
  const auto findings = qr::lint(text);
  if (!decoded.ok())
    FUZZ_CHECK(qr::has_errors(findings), "an undecodable payload lints without an error");

  if (decoded.ok() && decoded->scheme == qr::Scheme::vietqr) {
    FUZZ_CHECK(decoded->vietqr.has_value(), "scheme vietqr without a payload");
    const qr::Payload& p = *decoded->vietqr;
    qr::EncodeOptions exact;
    exact.fold_text = false;
    if (auto again = qr::encode(p, exact); again.ok()) {
      auto back = qr::decode(*again);
      FUZZ_CHECK(back.ok(), "the encoder's output does not decode");
      FUZZ_CHECK(back->vietqr.has_value() && *back->vietqr == p,
                 "decode(encode(decode(x))) differs from decode(x)");
    }
  }

  // A payload built from the input's fields ("bin\n--\naccount\n--\npurpose\n--\namount").
  fuzz::Fields fields(data, size);
  qr::Payload built;
  built.bank_bin = std::string(fields.next());
  built.account = std::string(fields.next());
  built.purpose = std::string(fields.next());
  const std::string_view amount = fields.next();
  std::int64_t vnd = 0;
  for (char c : amount.substr(0, 12))
    if (c >= '0' && c <= '9') vnd = vnd * 10 + (c - '0');
  if (vnd > 0) built.amount = Money::vnd(vnd);
  for (bool fold : {false, true}) {
    qr::EncodeOptions o;
    o.fold_text = fold;
    auto encoded = qr::encode(built, o);
    if (!encoded.ok()) continue;
    auto back = qr::decode(*encoded);
    FUZZ_CHECK(back.ok() && back->scheme == qr::Scheme::vietqr, "an encoded payload fails");
    FUZZ_CHECK(back->vietqr->bank_bin == built.bank_bin, "BIN changed through encode + decode");
    FUZZ_CHECK(back->vietqr->account == built.account, "account changed through encode + decode");
    FUZZ_CHECK(back->vietqr->amount == built.amount, "amount changed through encode + decode");
    if (!fold) FUZZ_CHECK(back->vietqr->purpose == built.purpose, "purpose changed");
    (void)qr::lint(*encoded);  // must not crash on anything the encoder emits
  }
  return 0;
}
