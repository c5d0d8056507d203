//! QUIC transport parameters shared by both roles.

use quinn::{QlogStream, TransportConfig, VarInt};

/// Receive window of one stream: 16 MB.
const STREAM_WINDOW: u32 = 16 << 20;
/// Receive window of the whole connection: 64 MB.
const CONNECTION_WINDOW: u32 = 64 << 20;

/// Transport settings for one connection: windows large enough for files of tens of MB,
/// room for many concurrent streams, no UDP segmentation offload (so that a capture
/// holds one QUIC packet per datagram), and `qlog` as the connection's qlog output.
pub fn config(qlog: Option<QlogStream>) -> TransportConfig {
    let mut config = TransportConfig::default();
    config
        .stream_receive_window(VarInt::from_u32(STREAM_WINDOW))
        .receive_window(VarInt::from_u32(CONNECTION_WINDOW))
        .send_window(u64::from(CONNECTION_WINDOW))
        .max_concurrent_bidi_streams(VarInt::from_u32(1000))
        .enable_segmentation_offload(false)
        .qlog_stream(qlog);
    config
}
