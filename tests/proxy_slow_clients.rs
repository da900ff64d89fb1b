//! Clients that hold connections instead of using them: headers sent a byte at a time or never
//! finished, idle kept-alive connections, and more connections than the server takes. Each is
//! closed in bounded time, and the server keeps answering everyone else.

mod proxy_common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bindery::server::ConnectionLimits;
use proxy_common::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const TIMEOUT: Duration = Duration::from_millis(800);

async fn server(max_connections: usize) -> SocketAddr {
    let (upstream, _) = recording_upstream().await;
    start_server(base_of(upstream), |config| {
        config.connections = ConnectionLimits {
            header_read_timeout: TIMEOUT,
            max_connections,
        }
    })
    .await
}

/// Waits until the server closes `stream` (reads until end of file), at most `limit`.
async fn closed_within(stream: &mut TcpStream, limit: Duration) -> Option<Duration> {
    let started = Instant::now();
    let mut buffer = [0u8; 1024];
    loop {
        match tokio::time::timeout_at((started + limit).into(), stream.read(&mut buffer)).await {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some(started.elapsed()),
            Ok(Ok(_)) => {}
        }
    }
}

async fn answers(proxy: SocketAddr) -> bool {
    let (status, _) = raw_request(
        proxy,
        &format!("GET /bindery/info HTTP/1.1\r\nHost: {proxy}"),
        b"",
    )
    .await;
    status == 200
}

#[tokio::test]
async fn a_header_never_finished_is_cut_off() {
    let proxy = server(64).await;
    let mut stream = TcpStream::connect(proxy).await.unwrap();
    stream
        .write_all(b"GET /bindery/info HTTP/1.1\r\nHost: 127.0")
        .await
        .unwrap();
    let closed = closed_within(&mut stream, TIMEOUT * 4).await;
    assert!(closed.is_some(), "a half-sent header kept its connection");
    assert!(answers(proxy).await);
}

#[tokio::test]
async fn a_header_sent_one_byte_at_a_time_is_cut_off() {
    let proxy = server(64).await;
    let mut stream = TcpStream::connect(proxy).await.unwrap();
    let head = format!("GET /bindery/info HTTP/1.1\r\nHost: {proxy}\r\nX-Slow: ");
    stream.write_all(head.as_bytes()).await.unwrap();
    let started = Instant::now();
    // Keep trickling well past the timeout: each byte on time must not extend it.
    let mut cut_off = false;
    while started.elapsed() < TIMEOUT * 4 {
        tokio::time::sleep(TIMEOUT / 8).await;
        if stream.write_all(b"a").await.is_err() {
            cut_off = true;
            break;
        }
        let mut probe = [0u8; 64];
        if let Ok(Ok(0)) =
            tokio::time::timeout(Duration::from_millis(1), stream.read(&mut probe)).await
        {
            cut_off = true;
            break;
        }
    }
    assert!(cut_off, "a trickled header kept its connection");
    assert!(started.elapsed() < TIMEOUT * 3, "{:?}", started.elapsed());
}

#[tokio::test]
async fn an_idle_kept_alive_connection_is_closed() {
    let proxy = server(64).await;
    let mut stream = TcpStream::connect(proxy).await.unwrap();
    let request = format!("GET /bindery/info HTTP/1.1\r\nHost: {proxy}\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut buffer = vec![0u8; 4096];
    let read = stream.read(&mut buffer).await.unwrap();
    assert!(String::from_utf8_lossy(&buffer[..read]).starts_with("HTTP/1.1 200"));
    // The connection stays open for a next request, but not forever.
    let closed = closed_within(&mut stream, TIMEOUT * 4).await;
    assert!(closed.is_some(), "an idle connection was kept");
}

#[tokio::test]
async fn connections_beyond_the_cap_are_closed_and_the_rest_still_served() {
    let proxy = server(4).await;
    let mut held = Vec::new();
    for _ in 0..4 {
        let mut stream = TcpStream::connect(proxy).await.unwrap();
        stream.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
        held.push(stream);
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut extra = TcpStream::connect(proxy).await.unwrap();
    let closed = closed_within(&mut extra, TIMEOUT / 2).await;
    assert!(
        closed.is_some(),
        "a fifth connection was kept while four were open"
    );
    // Once the slow ones are cut off, there is room again.
    for stream in &mut held {
        assert!(closed_within(stream, TIMEOUT * 4).await.is_some());
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(answers(proxy).await);
}
