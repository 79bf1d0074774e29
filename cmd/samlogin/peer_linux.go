package main

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
)

// peerUID returns the uid of the process at the other end of a TCP
// connection on this machine: the owner of the socket whose local address
// is remote and whose remote address is local, read from /proc/net/tcp (or
// tcp6). ok is false when it cannot tell.
func peerUID(local, remote net.Addr) (uid int, ok bool) {
	l, lok := local.(*net.TCPAddr)
	r, rok := remote.(*net.TCPAddr)
	if !lok || !rok {
		return 0, false
	}
	file, want := "/proc/net/tcp", procAddr(r)+" "+procAddr(l)
	if r.IP.To4() == nil {
		file = "/proc/net/tcp6"
	}
	f, err := os.Open(file)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		// sl local_address rem_address st tx:rx tr:when retrnsmt uid ...
		if len(fields) < 8 || fields[1]+" "+fields[2] != want {
			continue
		}
		n, err := strconv.Atoi(fields[7])
		return n, err == nil
	}
	return 0, false
}

// procAddr writes a TCP address the way /proc/net/tcp does: the address as
// native-endian 32-bit words in hex, a colon, the port in hex.
func procAddr(a *net.TCPAddr) string {
	var b strings.Builder
	ip := a.IP.To4()
	if ip == nil {
		ip = a.IP.To16()
	}
	for i := 0; i+4 <= len(ip); i += 4 {
		fmt.Fprintf(&b, "%08X", binary.NativeEndian.Uint32(ip[i:i+4]))
	}
	fmt.Fprintf(&b, ":%04X", a.Port)
	return b.String()
}
