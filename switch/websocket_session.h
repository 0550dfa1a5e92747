// WebSocketSession: a device listening to one stall over a WebSocket (`/v1/stalls/{id}/ws`). It
// subscribes to the NotifyHub, takes the client's cursor from `?after=` or its hello message,
// replays what it missed (DeviceFeed), then sends live events; one write in flight, a bounded
// queue behind it, and a device whose queue fills is disconnected so others never wait. Acks
// count toward delivery metrics. Shutdown sends a close frame. Declared in net_internal.h
// (start_websocket_session).
#pragma once

#include "switch/net_internal.h"
