// clock_elapsed.go - test target: the Go version of clock_elapsed.c. The
// latency is taken from the wall clock (time.Now().UnixMilli(), read
// through the vDSO by the Go runtime) and filed into a histogram whose
// slot is only clamped from above; a clock stepped back between the two
// reads makes it negative and recordLatency writes far before the
// histogram (unsafe, so the crash is a SIGSEGV at the write, not a
// bounds-check panic). Built by tests/integration/clock_class.sh when go
// is installed.
package main

import (
	"fmt"
	"runtime/debug"
	"time"
	"unsafe"
)

const slots = 100

var hist [slots]int64

//go:noinline
func nowMilli() int64 {
	return time.Now().UnixMilli()
}

//go:noinline
func startTimer() int64 {
	return nowMilli()
}

//go:noinline
func recordLatency(ms int64) {
	slot := ms / 10
	if slot >= slots {
		slot = slots - 1
	}
	p := (*int64)(unsafe.Add(unsafe.Pointer(&hist[0]), slot*8))
	*p++
}

func main() {
	// A fault in Go code is a crash (SIGABRT after the trace), as C's.
	debug.SetTraceback("crash")
	t0 := startTimer()
	sum := 0
	for i := 0; i < 100000; i++ {
		sum += i
	}
	recordLatency(nowMilli() - t0)
	fmt.Println("handled", sum > 0)
}
