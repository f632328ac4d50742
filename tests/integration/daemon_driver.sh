#!/bin/bash
# daemon_driver.sh DAEMON PORT: run one real daemon as root on 127.0.0.1:PORT
# with its own configuration in a fresh temporary directory, send it the
# same requests, print the replies on stdout, stop it (SIGTERM, as root)
# and print its stderr on ours, timestamps and pids removed. Run by
# daemons_jailed.sh the same way in the jail and outside it (issue 10).
set -u
daemon=$1 port=$2
W=$(mktemp -d) || exit 99
chmod 755 "$W"
PY=/usr/bin/python3

# Until something accepts on the port (the daemon is up), at most 10 s.
wait_port() {
	local i

	for i in $(seq 100); do
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
		sleep 0.1
	done
	echo "driver: $daemon never listened on $port" >&2
	return 1
}

# One TCP exchange: send $1 (printf text), print the reply until EOF.
tcp() {
	exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
	printf "$1" >&3
	cat <&3 | tr -d '\r'
	exec 3<&-
}

case $daemon in
memcached)
	# As root it must drop to its user: -u memcache (setgroups, setgid,
	# setuid, which the jail's root could not do before issue 10).
	memcached -u memcache -l 127.0.0.1 -p "$port" -U 0 -c 64 2>"$W/err" &
	pid=$!
	wait_port && tcp 'set k 0 0 5\r\nhello\r\nget k\r\nquit\r\n'
	;;
lighttpd)
	# As root it drops to www-data and chowns nothing of ours; it reads
	# its document root and answers a GET.
	mkdir "$W/www" && echo "hello from lighttpd" >"$W/www/index.html"
	chmod -R a+rX "$W/www"
	cat >"$W/lighttpd.conf" <<CONF
server.document-root = "$W/www"
server.bind = "127.0.0.1"
server.port = $port
server.username = "www-data"
server.groupname = "www-data"
CONF
	lighttpd -D -f "$W/lighttpd.conf" 2>"$W/err" &
	pid=$!
	wait_port && tcp 'GET /index.html HTTP/1.0\r\nHost: x\r\n\r\n' |
		sed -n '1p;/^hello/p'
	;;
dnsmasq)
	# As root it drops to nobody; a UDP query for a name of its own.
	dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts \
		--listen-address=127.0.0.1 --bind-interfaces --port="$port" \
		--pid-file= --user=nobody --address=/test.local/10.0.0.1 --log-facility=- \
		2>"$W/err" &
	pid=$!
	wait_port && "$PY" - "$port" <<'PY'
import socket, struct, sys
q = struct.pack(">HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0)
q += b"".join(bytes([len(p)]) + p.encode() for p in "test.local".split(".")) + b"\0"
q += struct.pack(">HH", 1, 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(5)
s.sendto(q, ("127.0.0.1", int(sys.argv[1])))
r = s.recv(512)
print("rcode", r[3] & 15, "answers", struct.unpack(">H", r[6:8])[0], "A", ".".join(map(str, r[-4:])))
PY
	;;
redis-server)
	redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
		--dir "$W" --daemonize no --logfile '' >"$W/log" 2>"$W/err" &
	pid=$!
	wait_port && tcp 'PING\r\nSET k hello\r\nGET k\r\nQUIT\r\n'
	;;
*)
	echo "driver: unknown daemon $daemon" >&2
	exit 99
	;;
esac
# Its limits, as a daemon would raise them: soft up to hard.
ulimit -Sn "$(ulimit -Hn)" && ulimit -Su "$(ulimit -Hu)" && echo "limits raised"
kill -TERM "$pid" || echo "driver: cannot signal $daemon" >&2
wait "$pid"
echo "exit $?"
sed -E 's/^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}: //; s/\[[0-9]+\]/[PID]/g; s/PID = [0-9]+/PID = N/g' "$W/err" >&2
rm -rf "$W"
