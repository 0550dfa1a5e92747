// `cho4 demo`: a demo stall's static VietQR code in the terminal, plus its PNG and SVG on disk.
// (The full demo, with the server, is `cho4 serve --demo`.)
#include <sys/stat.h>

#include <cstdio>
#include <string>

#include "core/vn_text.h"
#include "qr/banks.h"
#include "qr/render.h"
#include "qr/vietqr.h"
#include "switch/cli/command.h"

namespace cho4::cli {

int run_demo(Args args) {
  std::string out_dir = "cho4-demo";
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--out" && i + 1 < args.size()) {
      out_dir = args[++i];
    } else if (args[i] == "--help" || args[i] == "-h") {
      std::printf("usage: cho4 demo [--out DIR]   (default DIR: ./cho4-demo)\n");
      return kExitOk;
    } else {
      std::fprintf(stderr, "cho4 demo: unknown argument '%.*s'\n", int(args[i].size()),
                   args[i].data());
      return kExitUsage;
    }
  }
  const qr::Bank* bank = qr::find_bank("VCB");
  qr::Payload p;
  p.bank_bin = bank->bin;
  p.account = "0123456789";
  p.merchant_name = "Cô Lan Rau sạch";
  p.merchant_city = "Nam Định";
  p.purpose = "Cho Rong A12";
  auto payload = qr::encode(p);
  if (!payload.ok()) {
    std::fprintf(stderr, "cho4 demo: %s\n", payload.error().message().c_str());
    return kExitInternal;
  }
  qr::RenderOptions options;
  options.ec = qr::EcLevel::Q;
  auto matrix = qr::make_matrix(*payload, options.ec);
  if (!matrix.ok()) {
    std::fprintf(stderr, "cho4 demo: %s\n", matrix.error().message().c_str());
    return kExitInternal;
  }
  ::mkdir(out_dir.c_str(), 0755);
  const std::string png_path = out_dir + "/stall-A12.png";
  const std::string svg_path = out_dir + "/stall-A12.svg";
  auto png = qr::matrix_to_png(*matrix, options);
  Status s = png.ok() ? qr::write_file(png_path, *png) : png.error();
  if (s.ok()) s = qr::write_file(svg_path, qr::matrix_to_svg(*matrix, options));
  if (!s.ok()) {
    std::fprintf(stderr, "cho4 demo: %s\n", s.message().c_str());
    return kExitInternal;
  }
  std::fputs(qr::matrix_to_terminal(*matrix, options).c_str(), stdout);
  std::printf("\nChợ Rồng, Nam Định — quầy A12, Cô Lan - Rau sạch\n");
  std::printf("%s %s · tài khoản %s · Quét mã để thanh toán\n", bank->code.c_str(),
              bank->name.c_str(), p.account.c_str());
  std::printf("payload: %s\n", payload->c_str());
  std::printf("wrote %s and %s\n", png_path.c_str(), svg_path.c_str());
  std::printf("try: cho4 qr decode %s\n", payload->c_str());
  return kExitOk;
}

}  // namespace cho4::cli
