// HttpSession: one HTTP/1.1 connection (plain or TLS) on its own strand. It reads a request in
// bounded steps (idle wait, header within its timeout and size limit, body within its own),
// hands it to Api, writes exactly one response at a time, and keeps the connection alive. A
// device stream route turns the connection into a WebSocket or SSE session. Declared in
// switch/net_internal.h (start_http_session); this header exists to say what the file holds.
#pragma once

#include "switch/net_internal.h"
