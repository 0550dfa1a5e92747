// VietQR: the stall's static code and an order's dynamic code as payloads and images (PNG, SVG),
// decode and lint of a pasted payload, set-up by scanning the owner's bank-app QR, and sign check
// (a photo of a stall's sign: is its QR this stall's registered code, and if not, whose account
// does it pay). Uses cho4::qr.
#include "core/ids.h"
#include "core/vn_text.h"
#include "qr/banks.h"
#include "qr/lint.h"
#include "qr/render.h"
#include "qr/scan.h"
#include "qr/vietqr.h"
#include "switch/handlers/handlers.h"
#include "switch/profiles.h"

#ifdef CHO4_HAVE_SIGNAGE
#include "qr/signage/check_code.h"
#endif

namespace cho4::server::handlers {
namespace {

qr::Payload base_payload(Services& s, const ledger::Stall& st) {
  qr::Payload p;
  p.bank_bin = st.bank_bin;
  p.account = st.virtual_account.empty() ? st.account : st.virtual_account;
  auto prof = s.profiles.stall(st.id.value);
  p.merchant_name = prof.holder_name.substr(0, 25);
  return p;
}

// Image options from ?size= (pixels per module).
Or<qr::RenderOptions> render_options(const Request& r) {
  qr::RenderOptions o;
  o.ec = qr::EcLevel::M;
  o.module_px = 8;
  if (auto sz = r.query_param("size")) {
    auto n = parse_id(*sz);
    if (!n.ok() || *n > static_cast<std::uint64_t>(qr::kModulePxMax))
      return Err(problem(Problem::invalid_field,
                         "size: 1.." + std::to_string(qr::kModulePxMax) + " pixels per module", r));
    o.module_px = static_cast<int>(*n);
  }
  return o;
}

Response image(const Request& r, const std::string& payload, bool png) {
  if (payload.empty()) return problem(Problem::invalid_qr, "this account cannot be encoded", r);
  auto opts = render_options(r);
  if (!opts.ok()) return std::move(opts).error();
  auto bytes = png ? qr::render_png(payload, *opts) : qr::render_svg(payload, *opts);
  if (!bytes.ok()) return problem(bytes.error(), r);
  Response res = Response::text(200, std::move(*bytes), png ? "image/png" : "image/svg+xml");
  // Static codes change only when the stall's account does; orders never change.
  res.headers.emplace_back("Cache-Control", "public, max-age=300");
  return res;
}

Or<ledger::Order> public_order(const Request& r, const RouteMatch& m, Services& s) {
  auto id = id_param(r, m);
  if (!id.ok()) return Err(std::move(id).error());
  auto o = s.engine.order(OrderId{*id});
  if (!o.ok()) return Err(problem(o.error(), r));
  return std::move(*o);
}

json::object payload_json(const qr::Payload& p) {
  json::object o;
  o["bank_bin"] = p.bank_bin;
  const qr::Bank* b = qr::find_bank(p.bank_bin);
  o["bank_code"] = b ? b->code : "";
  o["bank_name"] = b ? b->name : "";
  o["account"] = p.account;
  o["service"] = p.service == qr::ServiceCode::to_card ? "card" : "account";
  if (p.amount)
    o["amount_vnd"] = p.amount->vnd();
  else
    o["amount_vnd"] = nullptr;
  o["purpose"] = p.purpose;
  o["merchant_name"] = p.merchant_name;
  o["merchant_city"] = p.merchant_city;
  return o;
}

// A pasted payload: text/plain, or JSON {"payload": "..."}.
Or<std::string> payload_text(const Request& r) {
  if (r.media_type() == "application/json") {
    auto body = json_body(r);
    if (!body.ok()) return Err(std::move(body).error());
    return str_field(r, *body, "payload", true, 512);
  }
  std::string t = r.body;
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r' || t.back() == ' ')) t.pop_back();
  if (t.empty()) return Err(problem(Problem::invalid_field, "send the payload as text/plain", r));
  return t;
}

// The check code typed off the sign (?check_code=) against the payload found in the photo:
// null when none was typed, else {"status": match | mismatch | malformed | unavailable, "message"}.
json::value check_code_json(Services& s, const Request& r, std::string_view payload) {
  auto typed = r.query_param("check_code");
  if (!typed || typed->empty()) return nullptr;
  json::object o;
  auto answer = [&](std::string_view status, std::string_view message) {
    o["status"] = status;
    o["message"] = message;
    return json::value(std::move(o));
  };
#ifdef CHO4_HAVE_SIGNAGE
  if (s.signage_secret.empty())
    return answer("unavailable", "Máy chủ chưa cấu hình khoá mã kiểm tra.");
  auto key = signage::CheckCodeKey::from_secret(s.signage_secret);
  if (!key.ok()) return answer("unavailable", "Máy chủ chưa cấu hình khoá mã kiểm tra.");
  auto verdict = key->verify(payload, *typed);
  if (!verdict.ok()) return answer("malformed", "Mã kiểm tra phải có 8 ký tự, ví dụ 7K2M-QX9D.");
  if (*verdict == signage::CheckVerdict::match)
    return answer("match", "Mã kiểm tra khớp: bảng này do chợ in cho mã QR này.");
  return answer("mismatch", "Mã kiểm tra KHÔNG khớp với mã QR: mã QR có thể đã bị dán đè.");
#else
  (void)s, (void)payload;
  return answer("unavailable", "Bản cho4 này không có phần in bảng QR.");
#endif
}

}  // namespace

bool qr_available() {
  return true;
}

std::string static_payload(Services& s, const ledger::Stall& st) {
  auto text = qr::encode(base_payload(s, st));
  return text.ok() ? *text : std::string();
}

std::string order_payload(Services& s, const ledger::Stall& st, const ledger::Order& o) {
  auto p = base_payload(s, st);
  p.amount = o.amount;
  // The reference code goes first in 62.08 so a bank that truncates descriptions keeps it.
  p.purpose = o.reference;
  if (!o.note.empty()) p.purpose += " " + fold_to_qr_text(o.note);
  if (p.purpose.size() > 25) p.purpose.resize(25);
  while (!p.purpose.empty() && p.purpose.back() == ' ') p.purpose.pop_back();
  auto text = qr::encode(p);
  return text.ok() ? *text : std::string();
}

std::optional<BankInfo> find_bank(std::string_view text) {
  const qr::Bank* b = qr::find_bank(text);
  if (!b) return std::nullopt;
  return BankInfo{b->bin, b->code, b->name};
}

BankInfo describe_bank(std::string_view bin) {
  if (auto b = find_bank(bin)) return *b;
  return BankInfo{std::string(bin), "", ""};
}

Result<ScannedAccount> account_from_qr(std::string_view payload) {
  auto d = qr::decode(payload);
  if (!d.ok()) return invalid_argument(d.error().message());
  if (d->scheme != qr::Scheme::vietqr || !d->vietqr)
    return invalid_argument("not a VietQR bank-transfer code (" +
                            std::string(qr::to_string(d->scheme)) + ")");
  if (d->vietqr->service != qr::ServiceCode::to_account)
    return invalid_argument("a card-number code; the stall needs an account code");
  return ScannedAccount{d->vietqr->bank_bin, d->vietqr->account};
}

CHO4_HANDLER(stall_qr_png) {
  (void)reply, (void)exec;
  TRY(id, id_param(r, m));
  auto st = s.engine.stall(StallId{id});
  if (!st.ok()) return problem(st.error(), r);
  return image(r, static_payload(s, *st), true);
}

CHO4_HANDLER(stall_qr_svg) {
  (void)reply, (void)exec;
  TRY(id, id_param(r, m));
  auto st = s.engine.stall(StallId{id});
  if (!st.ok()) return problem(st.error(), r);
  return image(r, static_payload(s, *st), false);
}

CHO4_HANDLER(order_qr_png) {
  (void)reply, (void)exec;
  TRY(o, public_order(r, m, s));
  auto st = s.engine.stall(o.stall);
  if (!st.ok()) return problem(st.error(), r);
  return image(r, order_payload(s, *st, o), true);
}

CHO4_HANDLER(order_qr_svg) {
  (void)reply, (void)exec;
  TRY(o, public_order(r, m, s));
  auto st = s.engine.stall(o.stall);
  if (!st.ok()) return problem(st.error(), r);
  return image(r, order_payload(s, *st, o), false);
}

CHO4_HANDLER(qr_decode) {
  (void)m, (void)s, (void)reply, (void)exec;
  TRY(text, payload_text(r));
  auto d = qr::decode(text);
  if (!d.ok()) return problem(Problem::invalid_qr, d.error().message(), r);
  json::object o;
  o["scheme"] = qr::to_string(d->scheme);
  o["poi"] = d->poi == qr::PointOfInitiation::dynamic_code ? "dynamic" : "static";
  if (d->vietqr)
    o["vietqr"] = payload_json(*d->vietqr);
  else
    o["vietqr"] = nullptr;
  o["merchant_id"] = d->merchant_id;
  o["currency"] = d->currency;
  o["country"] = d->country;
  json::array fields;
  for (const auto& f : d->fields) fields.push_back(json::object{{"id", f.id}, {"value", f.value}});
  o["fields"] = std::move(fields);
  return json_response(200, o);
}

CHO4_HANDLER(qr_lint) {
  (void)m, (void)s, (void)reply, (void)exec;
  TRY(text, payload_text(r));
  json::array findings;
  bool ok = true;
  for (const auto& f : qr::lint(text)) {
    ok = ok && f.severity != qr::Severity::error;
    findings.push_back(json::object{{"severity", qr::to_string(f.severity)},
                                    {"code", f.code},
                                    {"field", f.field},
                                    {"message", f.message}});
  }
  return json_response(200, json::object{{"ok", ok}, {"findings", std::move(findings)}});
}

CHO4_HANDLER(sign_check) {
  (void)reply, (void)exec;
  TRY(p, authenticate(r, s));
  TRY(id, id_param(r, m));
  TRY(st, stall_for(r, s, p, StallId{id}, false));
  auto mt = r.media_type();
  if (mt != "image/png" && mt != "image/jpeg")
    return problem(Problem::unsupported_media_type, "send the photo as image/png or image/jpeg", r);
  auto codes = qr::scan_image_bytes(r.body);
  if (!codes.ok()) return problem(Problem::invalid_qr, codes.error().message(), r);
  if (codes->empty())
    return json_response(200, json::object{{"genuine", false},
                                           {"payload", nullptr},
                                           {"message", "Không tìm thấy mã QR trong ảnh."}});
  // A sign shows one code; a photo may catch others around it: the stall's own code wins.
  std::optional<qr::Payload> found;
  std::string found_text;
  for (const auto& text : *codes) {
    auto d = qr::decode(text);
    if (!d.ok() || !d->vietqr) continue;
    if (!found) {
      found = d->vietqr;
      found_text = text;
    }
    bool ours = d->vietqr->bank_bin == st.bank_bin &&
                (d->vietqr->account == st.account ||
                 (!st.virtual_account.empty() && d->vietqr->account == st.virtual_account));
    if (ours) {
      found = d->vietqr;
      found_text = text;
      break;
    }
  }
  json::object o;
  if (!found) {
    o["genuine"] = false;
    o["payload"] = (*codes)[0];
    o["message"] = "Mã QR trong ảnh không phải mã chuyển khoản VietQR.";
    return json_response(200, o);
  }
  bool genuine = found->bank_bin == st.bank_bin &&
                 (found->account == st.account ||
                  (!st.virtual_account.empty() && found->account == st.virtual_account));
  o["genuine"] = genuine;
  o["payload"] = found_text;
  o["registered_payload"] = found_text == static_payload(s, st);
  o["check_code"] = check_code_json(s, r, found_text);
  const bool code_mismatch = o["check_code"].is_object() &&
                             o["check_code"].as_object().at("status").as_string() == "mismatch";
  o["bank_bin"] = found->bank_bin;
  o["account"] = found->account;
  auto bank = describe_bank(found->bank_bin);
  o["bank_name"] = bank.name;
  if (genuine) {
    o["message"] = code_mismatch
                       ? "Mã QR trả vào tài khoản của sạp này, nhưng mã kiểm tra không khớp: "
                         "hãy in lại bảng từ cho4."
                       : "Mã QR đúng là tài khoản của sạp này.";
    return json_response(200, o);
  }
  // Whose account does it pay? Another stall of cho4, or nobody we know.
  json::value owner = nullptr;
  for (const auto& market : s.engine.markets()) {
    for (const auto& other : s.engine.stalls_of_market(market.id)) {
      if (other.bank_bin == found->bank_bin &&
          (other.account == found->account || other.virtual_account == found->account)) {
        owner = json::object{{"stall_id", to_string_id(other.id.value)},
                             {"market_id", to_string_id(other.market.value)},
                             {"name", other.name}};
      }
    }
  }
  o["pays_stall"] = owner;
  o["message"] = "CẢNH BÁO: mã QR này chuyển tiền vào tài khoản " + found->account + " (" +
                 (bank.name.empty() ? found->bank_bin : bank.name) +
                 "), không phải tài khoản của sạp.";
  return json_response(200, o);
}

}  // namespace cho4::server::handlers
