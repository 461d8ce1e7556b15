//! Transport failures named by their cause, in a few words: what `amlc compute` and the editor show when no answer
//! comes. Each case is a real failure of the same reqwest stack on loopback.

use std::time::Duration;

use amlc_azure::client::transport_cause;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_millis(500))
        .connect_timeout(Duration::from_millis(500))
        .build()
        .expect("client")
}

#[tokio::test]
async fn refused_timed_out_and_tls_are_named() {
    // Nothing listens.
    let port = {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let error = client().get(format!("http://127.0.0.1:{port}/")).send().await.expect_err("refused");
    assert_eq!(transport_cause(&error), "connection refused");

    // Accepts and never answers.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let silent_port = silent.local_addr().expect("addr").port();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = silent.accept().await {
            held.push(stream);
        }
    });
    let error = client().get(format!("http://127.0.0.1:{silent_port}/")).send().await.expect_err("timeout");
    assert!(transport_cause(&error).starts_with("timed out"), "{}", transport_cause(&error));

    // Plain HTTP behind an https URL: not a TLS handshake.
    let plain = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let plain_port = plain.local_addr().expect("addr").port();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = plain.accept().await {
            let mut buffer = [0u8; 1024];
            let _ = tokio::time::timeout(Duration::from_millis(100), stream.read(&mut buffer)).await;
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n").await;
        }
    });
    let error = client().get(format!("https://127.0.0.1:{plain_port}/")).send().await.expect_err("tls");
    let cause = transport_cause(&error);
    assert!(cause.starts_with("TLS: "), "{cause}");
    assert!(!cause.contains('\n'), "one line: {cause}");
}
