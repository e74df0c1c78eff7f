#!/usr/bin/env bash
# fuzz/corpus-tools/haproxy_capture.sh OUTDIR - PROXY headers as a real HAProxy writes them, for the proxy corpus.
# HAProxy (loopback only) forwards one client connection per backend option to a socat listener that records the
# bytes; clients connect over IPv4 (from 127.0.0.2) and IPv6 (from ::1), in plain TCP and, for the "-tls" options,
# over TLS to a frontend with a throwaway self-signed certificate (so the SSL TLV carries its version, cipher and
# signature sub-TLVs). Writes OUTDIR/haproxy-<option>-<ipv4|ipv6>.
set -euo pipefail
out=$1
mkdir -p "$out"
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
for tool in haproxy socat nc openssl; do command -v $tool >/dev/null || { echo "needs $tool" >&2; exit 2; }; done

# name|server options (HAProxy 2.6: send-proxy, send-proxy-v2, proxy-v2-options; set-proxy-v2-tlv-fmt needs 2.9+)
options=(
  "v1|send-proxy"
  "v2|send-proxy-v2"
  "v2-ssl|send-proxy-v2-ssl"
  "v2-ssl-cn|send-proxy-v2-ssl-cn"
  "v2-crc32c|send-proxy-v2 proxy-v2-options crc32c"
  "v2-unique-id|send-proxy-v2 proxy-v2-options unique-id"
  "v2-authority-ssl-cipher|send-proxy-v2 proxy-v2-options ssl,cert-cn,ssl-cipher,cert-sig,cert-key,authority"
  "v2-all|send-proxy-v2 proxy-v2-options ssl,cert-cn,ssl-cipher,cert-sig,cert-key,authority,crc32c,unique-id"
  "v2-ssl-tls|send-proxy-v2-ssl"
  "v2-all-tls|send-proxy-v2 proxy-v2-options ssl,cert-cn,ssl-cipher,cert-sig,cert-key,authority,crc32c,unique-id"
)
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=capture.test -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
cat "$work/cert.pem" "$work/key.pem" >"$work/haproxy.pem"
base=$((20000 + RANDOM % 20000))
cfg=$work/haproxy.cfg
cat >"$cfg" <<CFG
global
    maxconn 64
defaults
    mode tcp
    timeout connect 5s
    timeout client 10s
    timeout server 10s
    unique-id-format %{+X}o\ %ci:%cp_%fi:%fp_%Ts_%rt
CFG
i=0
for entry in "${options[@]}"; do
  name=${entry%%|*} server=${entry#*|}
  front=$((base + 2 * i)) back=$((base + 2 * i + 1))
  tls=""
  case $name in *-tls) tls=" ssl crt $work/haproxy.pem" ;; esac
  cat >>"$cfg" <<CFG
frontend f_$i
    bind 127.0.0.1:$front$tls
    bind [::1]:$front$tls
    default_backend b_$i
backend b_$i
    server s 127.0.0.1:$back $server
CFG
  i=$((i + 1))
done
haproxy -c -f "$cfg" >/dev/null
haproxy -f "$cfg" -db >"$work/haproxy.log" 2>&1 &
sleep 1

i=0
for entry in "${options[@]}"; do
  name=${entry%%|*}
  front=$((base + 2 * i)) back=$((base + 2 * i + 1))
  for family in ipv4 ipv6; do
    file=$out/haproxy-$name-$family
    rm -f "$file"
    socat -u "TCP-LISTEN:$back,bind=127.0.0.1,reuseaddr" "CREATE:$file" &
    listener=$!
    sleep 0.3
    case $name-$family in
      *-tls-ipv4) printf 'hello from haproxy\n' | timeout 5 openssl s_client -quiet -servername capture.test -connect 127.0.0.1:$front >/dev/null 2>&1 || true ;;
      *-tls-ipv6) printf 'hello from haproxy\n' | timeout 5 openssl s_client -quiet -servername capture.test -connect "[::1]:$front" >/dev/null 2>&1 || true ;;
      *-ipv4) printf 'hello from haproxy\n' | nc -N -s 127.0.0.2 127.0.0.1 $front || true ;;
      *) printf 'hello from haproxy\n' | nc -N -6 ::1 $front || true ;;
    esac
    for _ in $(seq 50); do kill -0 $listener 2>/dev/null || break; sleep 0.1; done
    kill $listener 2>/dev/null || true
    [ -s "$file" ] && echo "$file: $(wc -c <"$file") bytes" || { echo "no capture for $name $family" >&2; cat "$work/haproxy.log" >&2; exit 1; }
  done
  i=$((i + 1))
done
