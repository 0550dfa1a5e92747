// SseSession: a device listening to one stall with Server-Sent Events (`/v1/stalls/{id}/events`).
// The cursor comes from Last-Event-ID or `?after=`; every event carries `id: <seq>`; a `: ping`
// comment goes out every heartbeat interval. Same replay, ordering and slow-device rules as the
// WebSocket session (DeviceFeed, bounded queue, one write in flight). Declared in
// net_internal.h (start_sse_session).
#pragma once

#include "switch/net_internal.h"
