//! The command lines of `stage08-server` and `stage08-client`.
//!
//! Addresses are IP addresses written out (`127.0.0.1`, `::1`), never host names: looking
//! a name up is a different lesson (`getaddrinfo(3)`), and a lookup that hangs or finds
//! an address on another machine would make a bad argument hard to see.

use std::ffi::OsString;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use minitalk_common::cli::{self, Help};

use crate::exit::{Exit, fail};

const SERVER_SYNOPSIS: &str = "[--two-way] [--port PORT] [--bind IP] [--no-reap]";
const CLIENT_SYNOPSIS: &str = "[--two-way] IP:PORT";

/// What `stage08-server --help` prints.
fn server_help() -> Help {
    Help::new(
        "stage08-server",
        SERVER_SYNOPSIS,
        "Listens on TCP and prints its address on its first line, `listening on IP:PORT`;\n\
         then shows every line a client sends, after the client's address, one child\n\
         process per client.\n\
         options:\n  \
         --two-way    also send every line typed here to every connected client\n  \
         --port PORT  listen on PORT (default 0: a free port the kernel picks)\n  \
         --bind IP    listen on this IP address (default 127.0.0.1; not a host name)\n  \
         --no-reap    never reap ended children, to watch them become zombies\n\
         exit codes:\n  \
         0  the input ended (two-way)\n  \
         1  a failure the message describes\n  \
         2  wrong arguments\n  \
         9  cannot listen at that address (the port is in use, say)",
    )
}

/// What `stage08-client --help` prints.
fn client_help() -> Help {
    Help::new(
        "stage08-client",
        CLIENT_SYNOPSIS,
        "Connects to the address a stage08-server printed and sends it every line of its\n\
         input; its first line is `connected to SERVER as OUR-ADDRESS`.\n\
         options:\n  \
         --two-way    also show what the server sends back\n\
         exit codes:\n  \
         0  every line was sent, and the server read it\n  \
         1  a failure the message describes\n  \
         2  wrong arguments\n  \
         8  nothing accepts connections at that address\n  \
         10 the connection ended before all of the input was delivered",
    )
}

// ANCHOR: server_args
/// What the server is asked to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServerArgs {
    /// Where to listen. By default the loopback address, which only this machine can
    /// reach, and port 0, which asks the kernel to pick a free port.
    pub address: SocketAddr,
    /// Whether what is typed at the server goes back to the clients.
    pub two_way: bool,
    /// Whether to reap finished children. Only the chapter's demonstration of zombies
    /// (`--no-reap`) turns it off.
    pub reap: bool,
}
// ANCHOR_END: server_args

impl ServerArgs {
    /// The server's arguments, or exit with [`Exit::Usage`] and a one-line reason.
    pub fn from_env() -> ServerArgs {
        Self::parse(cli::args(&server_help())).unwrap_or_else(|e| usage_error(e))
    }

    /// The pure part of [`ServerArgs::from_env`], for tests.
    pub fn parse(args: Vec<OsString>) -> Result<ServerArgs, String> {
        let usage = server_help().usage();
        let mut parsed = ServerArgs {
            address: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
            two_way: false,
            reap: true,
        };
        let mut args = strings(args)?.into_iter();
        while let Some(arg) = args.next() {
            let mut value = || {
                args.next()
                    .ok_or_else(|| format!("{arg} needs a value ({usage})"))
            };
            match arg.as_str() {
                "--two-way" => parsed.two_way = true,
                "--no-reap" => parsed.reap = false,
                "--port" => parsed.address.set_port(parse_port(&value()?)?),
                "--bind" => parsed.address.set_ip(parse_ip(&value()?)?),
                _ => return Err(format!("unknown argument {arg:?} ({usage})")),
            }
        }
        Ok(parsed)
    }
}

/// What the client is asked to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientArgs {
    /// The address the server printed on its first line.
    pub server: SocketAddr,
    /// Whether to show what the server sends back.
    pub two_way: bool,
}

impl ClientArgs {
    /// The client's arguments, or exit with [`Exit::Usage`] and a one-line reason.
    pub fn from_env() -> ClientArgs {
        Self::parse(cli::args(&client_help())).unwrap_or_else(|e| usage_error(e))
    }

    /// The pure part of [`ClientArgs::from_env`], for tests.
    pub fn parse(args: Vec<OsString>) -> Result<ClientArgs, String> {
        let usage = client_help().usage();
        let mut two_way = false;
        let mut addresses = Vec::new();
        for arg in strings(args)? {
            match arg.as_str() {
                "--two-way" => two_way = true,
                option if option.starts_with("--") => {
                    return Err(format!("unknown option {arg:?} ({usage})"));
                }
                _ => addresses.push(arg),
            }
        }
        let [address] = addresses.as_slice() else {
            return Err(format!(
                "expected one address, got {} ({usage})",
                addresses.len()
            ));
        };
        Ok(ClientArgs {
            server: parse_address(address)?,
            two_way,
        })
    }
}

/// `IP:PORT`, as the server prints it: `127.0.0.1:4242`, or `[::1]:4242` for IPv6.
pub fn parse_address(text: &str) -> Result<SocketAddr, String> {
    let address: SocketAddr = text.parse().map_err(|_| {
        format!(
            "cannot parse {text:?} as an address: expected IP:PORT such as 127.0.0.1:4242 \
             (host names are not looked up)"
        )
    })?;
    if address.port() == 0 {
        return Err(format!(
            "{text:?} has port 0, which no server listens on: use the address the server printed"
        ));
    }
    Ok(address)
}

fn parse_port(text: &str) -> Result<u16, String> {
    text.parse()
        .map_err(|_| format!("the port must be a number from 0 to 65535, not {text:?}"))
}

fn parse_ip(text: &str) -> Result<IpAddr, String> {
    text.parse().map_err(|_| {
        format!(
            "cannot parse {text:?} as an IP address such as 127.0.0.1 or ::1 \
             (host names are not looked up)"
        )
    })
}

/// The arguments as text: a UNIX argument may be any bytes, but ours are all ASCII.
fn strings(args: Vec<OsString>) -> Result<Vec<String>, String> {
    args.into_iter()
        .map(|arg| {
            arg.into_string()
                .map_err(|arg| format!("argument {arg:?} is not valid UTF-8"))
        })
        .collect()
}

fn usage_error(reason: String) -> ! {
    fail(Exit::Usage, reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(args: &[&str]) -> Result<ServerArgs, String> {
        ServerArgs::parse(args.iter().map(OsString::from).collect())
    }

    fn client(args: &[&str]) -> Result<ClientArgs, String> {
        ClientArgs::parse(args.iter().map(OsString::from).collect())
    }

    #[test]
    fn the_server_listens_on_loopback_on_a_port_the_kernel_picks_by_default() {
        let args = server(&[]).unwrap();
        assert_eq!(args.address, "127.0.0.1:0".parse().unwrap());
        assert!(!args.two_way);
        assert!(args.reap);
    }

    #[test]
    fn the_server_takes_options_in_any_order() {
        let args = server(&["--port", "4242", "--two-way", "--bind", "::1"]).unwrap();
        assert_eq!(args.address, "[::1]:4242".parse().unwrap());
        assert!(args.two_way);
        assert!(!server(&["--no-reap"]).unwrap().reap);
    }

    #[test]
    fn the_server_refuses_bad_options_with_the_reason() {
        assert!(
            server(&["--port", "http"])
                .unwrap_err()
                .contains("0 to 65535")
        );
        assert!(
            server(&["--port", "65536"])
                .unwrap_err()
                .contains("0 to 65535")
        );
        assert!(server(&["--port"]).unwrap_err().contains("needs a value"));
        assert!(
            server(&["--bind", "localhost"])
                .unwrap_err()
                .contains("IP address")
        );
        assert!(
            server(&["--verbose"])
                .unwrap_err()
                .contains("unknown argument")
        );
    }

    #[test]
    fn the_client_takes_an_address_and_maybe_two_way() {
        let args = client(&["--two-way", "127.0.0.1:4242"]).unwrap();
        assert_eq!(args.server, "127.0.0.1:4242".parse().unwrap());
        assert!(args.two_way);
        assert!(!client(&["[::1]:1"]).unwrap().two_way);
    }

    #[test]
    fn the_client_refuses_what_is_not_ip_colon_port() {
        for bad in [
            "nonsense",
            "127.0.0.1",
            "127.0.0.1:99999",
            "localhost:4242",
            ":4242",
        ] {
            let error = client(&[bad]).unwrap_err();
            assert!(error.contains("IP:PORT"), "{bad}: {error}");
        }
        assert!(client(&["127.0.0.1:0"]).unwrap_err().contains("port 0"));
        assert!(client(&[]).unwrap_err().contains("got 0"));
        assert!(
            client(&["1.2.3.4:5", "6.7.8.9:10"])
                .unwrap_err()
                .contains("got 2")
        );
        assert!(
            client(&["--verbose", "1.2.3.4:5"])
                .unwrap_err()
                .contains("unknown")
        );
    }
}
