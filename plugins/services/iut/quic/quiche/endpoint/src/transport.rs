//! QUIC transport parameters shared by both roles.

/// Receive window of one stream: 16 MB.
const STREAM_WINDOW: u64 = 16 << 20;
/// Receive window of the whole connection: 64 MB.
const CONNECTION_WINDOW: u64 = 64 << 20;
/// Concurrent streams the peer may open.
const MAX_STREAMS: u64 = 1000;
/// Idle timeout in milliseconds: a silent peer ends the connection well within a test.
const IDLE_TIMEOUT_MS: u64 = 10_000;
/// Largest UDP payload sent: safe on any path without path MTU discovery.
pub const MAX_SEND_PAYLOAD: usize = 1350;
/// Largest UDP payload accepted (and so the receive buffer's size).
pub const MAX_RECV_PAYLOAD: usize = 65_527;

/// Sets the transport parameters of `config`: windows large enough for files of tens of
/// MB, room for many concurrent streams, a 10 s idle timeout, no active migration.
pub fn apply(config: &mut quiche::Config) {
    config.set_initial_max_data(CONNECTION_WINDOW);
    config.set_max_connection_window(CONNECTION_WINDOW);
    config.set_initial_max_stream_data_bidi_local(STREAM_WINDOW);
    config.set_initial_max_stream_data_bidi_remote(STREAM_WINDOW);
    config.set_initial_max_stream_data_uni(STREAM_WINDOW);
    config.set_max_stream_window(STREAM_WINDOW);
    config.set_initial_max_streams_bidi(MAX_STREAMS);
    config.set_initial_max_streams_uni(MAX_STREAMS);
    config.set_max_idle_timeout(IDLE_TIMEOUT_MS);
    config.set_max_send_udp_payload_size(MAX_SEND_PAYLOAD);
    config.set_max_recv_udp_payload_size(MAX_RECV_PAYLOAD);
    config.set_disable_active_migration(true);
}
