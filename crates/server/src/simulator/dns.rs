//! The simulator's DNS server on UDP: the loopback stand-in for the resolvers and
//! blocklists the proxy queries, so tests never touch the internet.

use super::zone::{Answer, QueryType};
use super::Simulator;
use hickory_proto::op::{Message, MessageType, OpCode, ResponseCode};
use hickory_proto::rr::rdata::{A, AAAA, PTR};
use hickory_proto::rr::{Name, RData, Record, RecordType};
use std::net::IpAddr;
use std::sync::Arc;
use tokio::net::UdpSocket;

/// Answer DNS queries on `socket` from the simulator's state until the task is dropped.
pub async fn serve(sim: Arc<Simulator>, socket: UdpSocket) {
    let mut buf = vec![0u8; 4096];
    loop {
        let Ok((n, peer)) = socket.recv_from(&mut buf).await else { continue };
        let Some(reply) = respond(&sim, &buf[..n]) else { continue };
        if let Err(e) = socket.send_to(&reply, peer).await {
            tracing::debug!("sim dns: reply to {peer} failed: {e}");
        }
    }
}

/// Bind `addr` and answer there in the background; returns the bound address.
pub async fn spawn(sim: Arc<Simulator>, addr: std::net::SocketAddr) -> std::io::Result<std::net::SocketAddr> {
    let socket = UdpSocket::bind(addr).await?;
    let local = socket.local_addr()?;
    tokio::spawn(serve(sim, socket));
    Ok(local)
}

fn respond(sim: &Simulator, packet: &[u8]) -> Option<Vec<u8>> {
    let query = Message::from_vec(packet).ok()?;
    let mut resp = Message::new();
    resp.set_id(query.id())
        .set_message_type(MessageType::Response)
        .set_op_code(OpCode::Query)
        .set_recursion_desired(query.recursion_desired())
        .set_recursion_available(true)
        .set_authoritative(true);
    let Some(q) = query.queries().first().cloned() else {
        resp.set_response_code(ResponseCode::FormErr);
        return resp.to_vec().ok();
    };
    resp.add_query(q.clone());
    let qtype = match q.query_type() {
        RecordType::A => QueryType::A,
        RecordType::AAAA => QueryType::Aaaa,
        RecordType::PTR => QueryType::Ptr,
        _ => QueryType::Other,
    };
    let name = q.name().clone();
    match sim.dns_answer(&name.to_ascii(), qtype) {
        Answer::Drop => return None,
        Answer::Nothing => {
            resp.set_response_code(ResponseCode::NXDomain);
        }
        Answer::Addrs(addrs) => {
            for a in addrs {
                let rdata = match a {
                    IpAddr::V4(v4) => RData::A(A(v4)),
                    IpAddr::V6(v6) => RData::AAAA(AAAA(v6)),
                };
                resp.add_answer(Record::from_rdata(name.clone(), 60, rdata));
            }
        }
        Answer::Names(names) => {
            for n in names {
                if let Ok(target) = Name::from_ascii(&n) {
                    resp.add_answer(Record::from_rdata(name.clone(), 60, RData::PTR(PTR(target))));
                }
            }
        }
    }
    resp.to_vec().ok()
}
