//! Real receivers for what the service sends: an SMTP server that keeps every message,
//! and an HTTP server that keeps every webhook request. Both speak their protocol over
//! TCP on a port of their own.

use std::{
    collections::BTreeMap,
    net::SocketAddr,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU16, Ordering},
    },
    time::Duration,
};

use tokio::{
    io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader},
    net::{TcpListener, TcpSocket, TcpStream},
    task::JoinHandle,
};

/// A message the SMTP sink received.
#[derive(Debug, Clone)]
pub struct Mail {
    /// `MAIL FROM`.
    pub from: String,
    /// `RCPT TO`, each.
    pub to: Vec<String>,
    /// The message as sent (headers and body).
    pub data: String,
}

impl Mail {
    /// A header's value (unfolded), if present.
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next().unwrap_or("");
        let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
        unfolded.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name)
                .then(|| value.trim().to_owned())
        })
    }

    /// The message with quoted-printable soft breaks and `=3D` undone, for searching.
    pub fn text(&self) -> String {
        self.data.replace("=\r\n", "").replace("=3D", "=")
    }
}

/// An SMTP server that accepts every message.
pub struct SmtpSink {
    /// `127.0.0.1:<port>`.
    pub address: SocketAddr,
    mails: Arc<Mutex<Vec<Mail>>>,
    task: JoinHandle<()>,
}

impl SmtpSink {
    /// Starts it on a free port.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        let mails: Arc<Mutex<Vec<Mail>>> = Arc::default();
        let kept = mails.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(Self::session(stream, kept.clone()));
            }
        });
        Self {
            address,
            mails,
            task,
        }
    }

    /// `smtp://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("smtp://{}", self.address)
    }

    /// The messages received so far.
    pub fn mails(&self) -> Vec<Mail> {
        self.mails.lock().unwrap().clone()
    }

    /// Waits until `enough` holds for the messages received (at most `secs`).
    pub async fn wait_for(&self, secs: u64, enough: impl Fn(&[Mail]) -> bool) -> Vec<Mail> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
        loop {
            let mails = self.mails();
            if enough(&mails) || tokio::time::Instant::now() > deadline {
                return mails;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn session(stream: TcpStream, mails: Arc<Mutex<Vec<Mail>>>) {
        let (read, mut write) = stream.into_split();
        let mut lines = BufReader::new(read);
        let _ = write.write_all(b"220 sink.test ESMTP\r\n").await;
        let (mut from, mut to) = (String::new(), Vec::new());
        let mut line = String::new();
        loop {
            line.clear();
            if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                return;
            }
            let command = line.trim_end().to_owned();
            let upper = command.to_ascii_uppercase();
            let reply: &[u8] = if upper.starts_with("EHLO") {
                b"250-sink.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
            } else if upper.starts_with("HELO") {
                b"250 sink.test\r\n"
            } else if upper.starts_with("MAIL FROM:") {
                from = command[10..].trim().to_owned();
                to.clear();
                b"250 OK\r\n"
            } else if upper.starts_with("RCPT TO:") {
                to.push(command[8..].trim().to_owned());
                b"250 OK\r\n"
            } else if upper == "DATA" {
                let _ = write.write_all(b"354 go on\r\n").await;
                let mut data = String::new();
                loop {
                    line.clear();
                    if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    if line == ".\r\n" {
                        break;
                    }
                    data.push_str(
                        line.strip_prefix('.')
                            .filter(|_| line.starts_with(".."))
                            .unwrap_or(&line),
                    );
                }
                mails.lock().unwrap().push(Mail {
                    from: from.clone(),
                    to: to.clone(),
                    data,
                });
                b"250 kept\r\n"
            } else if upper == "QUIT" {
                let _ = write.write_all(b"221 bye\r\n").await;
                return;
            } else {
                b"250 OK\r\n"
            };
            if write.write_all(reply).await.is_err() {
                return;
            }
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A webhook request the receiver got.
#[derive(Debug, Clone)]
pub struct Hook {
    /// Request headers, names in lower case.
    pub headers: BTreeMap<String, String>,
    /// The body.
    pub body: Vec<u8>,
}

impl Hook {
    /// A header's value.
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).map_or("", String::as_str)
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

/// An HTTP server standing in for a client's system: it keeps every request and answers
/// with the status it is set to; it can be taken down (its port refuses connections) and
/// brought up again on the same port.
pub struct Receiver {
    /// `127.0.0.1:<port>`.
    pub address: SocketAddr,
    hooks: Arc<Mutex<Vec<Hook>>>,
    status: Arc<AtomicU16>,
    hang: Arc<std::sync::atomic::AtomicBool>,
    task: Mutex<Option<JoinHandle<()>>>,
}

impl Receiver {
    /// Starts it on a free port, answering 200.
    pub async fn start() -> Self {
        let listener = Self::bind("127.0.0.1:0".parse().unwrap());
        let address = listener.local_addr().expect("address");
        let receiver = Self {
            address,
            hooks: Arc::default(),
            status: Arc::new(AtomicU16::new(200)),
            hang: Arc::default(),
            task: Mutex::new(None),
        };
        receiver.serve(listener);
        receiver
    }

    fn bind(address: SocketAddr) -> TcpListener {
        let socket = TcpSocket::new_v4().expect("socket");
        socket.set_reuseaddr(true).expect("reuseaddr");
        socket.bind(address).expect("bind");
        socket.listen(64).expect("listen")
    }

    fn serve(&self, listener: TcpListener) {
        let (hooks, status, hang) = (self.hooks.clone(), self.status.clone(), self.hang.clone());
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(Self::answer(
                    stream,
                    hooks.clone(),
                    status.clone(),
                    hang.clone(),
                ));
            }
        });
        *self.task.lock().unwrap() = Some(task);
    }

    /// `http://127.0.0.1:<port>/hook`.
    pub fn url(&self) -> String {
        format!("http://{}/hook", self.address)
    }

    /// Answers every request with `status` from now on.
    pub fn answer_with(&self, status: u16) {
        self.status.store(status, Ordering::SeqCst);
    }

    /// Keeps every request waiting a minute before answering (a receiver that hangs).
    pub fn hang(&self) {
        self.hang.store(true, Ordering::SeqCst);
    }

    /// Stops listening: connections are refused.
    pub fn take_down(&self) {
        if let Some(task) = self.task.lock().unwrap().take() {
            task.abort();
        }
    }

    /// Listens again on the same port.
    pub async fn bring_up(&self) {
        self.take_down();
        tokio::time::sleep(Duration::from_millis(50)).await;
        let listener = Self::bind(self.address);
        self.serve(listener);
    }

    /// The requests received so far.
    pub fn hooks(&self) -> Vec<Hook> {
        self.hooks.lock().unwrap().clone()
    }

    /// Waits until `enough` holds for the requests received (at most `secs`).
    pub async fn wait_for(&self, secs: u64, enough: impl Fn(&[Hook]) -> bool) -> Vec<Hook> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
        loop {
            let hooks = self.hooks();
            if enough(&hooks) || tokio::time::Instant::now() > deadline {
                return hooks;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn answer(
        stream: TcpStream,
        hooks: Arc<Mutex<Vec<Hook>>>,
        status: Arc<AtomicU16>,
        hang: Arc<std::sync::atomic::AtomicBool>,
    ) {
        let (read, mut write) = stream.into_split();
        let mut reader = BufReader::new(read);
        let mut line = String::new();
        if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
            return;
        }
        let mut headers = BTreeMap::new();
        loop {
            line.clear();
            if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
                return;
            }
            let trimmed = line.trim_end();
            if trimmed.is_empty() {
                break;
            }
            if let Some((k, v)) = trimmed.split_once(':') {
                headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
            }
        }
        let length: usize = headers
            .get("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).await.is_err() {
            return;
        }
        hooks.lock().unwrap().push(Hook { headers, body });
        if hang.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_secs(60)).await;
        }
        let code = status.load(Ordering::SeqCst);
        let response =
            format!("HTTP/1.1 {code} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        let _ = write.write_all(response.as_bytes()).await;
        let _ = write.shutdown().await;
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.take_down();
    }
}
