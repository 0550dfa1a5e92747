// Signage in a build without qr/signage/ (cairo is optional at configure time): the signage route
// is not registered (api.cpp asks signage_available()).
#include "switch/handlers/handlers.h"

namespace cho4::server::handlers {

bool signage_available() {
  return false;
}

CHO4_HANDLER(market_signage) {
  (void)m, (void)s, (void)reply, (void)exec;
  return problem(Problem::not_found, "this cho4 was built without qr/signage/", r);
}

}  // namespace cho4::server::handlers
