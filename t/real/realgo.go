// SPDX-License-Identifier: MIT
// realgo - a Go program the way real ones are: timers, the garbage
// collector under churn, goroutines on every CPU, and a writer whose reader
// goes away.  t/160-real.bats runs each mode natively and under
// minos-exec and compares the two byte for byte, so every line printed
// here is the same on every run of the same host.
//
//	realgo timers  time.Sleep, time.After, a timer stopped, a ticker,
//	               a context deadline
//	realgo gc      allocation churn with forced and background collections
//	realgo procs   GOMAXPROCS and NumCPU (the host's CPUs), and work on all
//	realgo pipe    write lines until stdout breaks (| head -1: dies of SIGPIPE)
//	realgo count   30 numbers, one each 10 ms, sent by a goroutine over a
//	               channel (t/991-ckpt-objects.bats checkpoints it mid-way)
package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"sync"
	"time"
)

func timers() {
	start := time.Now()
	time.Sleep(20 * time.Millisecond)
	fmt.Println("slept:", time.Since(start) >= 20*time.Millisecond)

	select {
	case <-time.After(10 * time.Millisecond):
		fmt.Println("time.After fired")
	case <-time.After(10 * time.Second):
		fmt.Println("time.After: the long timer fired first")
	}

	t := time.NewTimer(time.Hour)
	fmt.Println("stopped a pending timer:", t.Stop())

	tick := time.NewTicker(5 * time.Millisecond)
	n := 0
	for range tick.C {
		if n++; n == 3 {
			break
		}
	}
	tick.Stop()
	fmt.Println("ticks:", n)

	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Millisecond)
	defer cancel()
	select {
	case <-ctx.Done():
		fmt.Println("context:", ctx.Err(), errors.Is(ctx.Err(), context.DeadlineExceeded))
	case <-time.After(10 * time.Second):
		fmt.Println("context: deadline missed")
	}

	// Many goroutines sleeping at once: the timer heap and netpoll wake-ups.
	var wg sync.WaitGroup
	var mu sync.Mutex
	woke := 0
	for i := 0; i < 100; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			time.Sleep(time.Duration(i%10) * time.Millisecond)
			mu.Lock()
			woke++
			mu.Unlock()
		}(i)
	}
	wg.Wait()
	fmt.Println("sleepers woke:", woke)
}

type node struct {
	next *node
	val  [16]int64
}

func gc() {
	debug.SetGCPercent(20) // collect often
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var keep []*node
	sum := int64(0)
	for round := 0; round < 200; round++ {
		var head *node
		for i := 0; i < 2000; i++ {
			n := &node{next: head}
			n.val[i%16] = int64(i)
			head = n
		}
		for n := head; n != nil; n = n.next {
			for _, v := range n.val {
				sum += v
			}
		}
		buf := make([]byte, 64<<10)
		buf[len(buf)-1] = byte(round)
		sum += int64(buf[len(buf)-1])
		if round%20 == 0 {
			keep = append(keep, head)
		}
		if round%50 == 0 {
			runtime.GC()
		}
	}
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	fmt.Println("sum:", sum)
	fmt.Println("kept lists:", len(keep))
	fmt.Println("collections ran:", after.NumGC-before.NumGC >= 4)
	debug.FreeOSMemory() // the scavenger returns memory (madvise)
	fmt.Println("freed to the OS")
}

func procs() {
	fmt.Println("GOMAXPROCS:", runtime.GOMAXPROCS(0))
	fmt.Println("NumCPU:", runtime.NumCPU())
	var wg sync.WaitGroup
	results := make([]int, 4*runtime.GOMAXPROCS(0))
	for i := range results {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			x := 0
			for j := 0; j < 1000000; j++ {
				x += j % (i + 1)
			}
			results[i] = x
		}(i)
	}
	wg.Wait()
	total := 0
	for _, r := range results {
		total += r
	}
	fmt.Println("goroutines:", len(results), "total:", total)
}

func pipe() {
	w := bufio.NewWriter(os.Stdout)
	for i := 0; i < 1000000; i++ {
		fmt.Fprintf(w, "line %d\n", i)
	}
	w.Flush()
	// Not reached when the reader went away: a write to a broken stdout
	// raises SIGPIPE in a Go program.
	fmt.Fprintln(os.Stderr, "realgo: wrote everything")
}

func count() {
	ch := make(chan int)
	go func() {
		for i := 0; i < 30; i++ {
			time.Sleep(10 * time.Millisecond)
			ch <- i * i
		}
		close(ch)
	}()
	n := 0
	for v := range ch {
		n++
		fmt.Println("count", n, v)
	}
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: realgo timers|gc|procs|pipe|count")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "timers":
		timers()
	case "gc":
		gc()
	case "procs":
		procs()
	case "pipe":
		pipe()
	case "count":
		count()
	default:
		fmt.Fprintln(os.Stderr, "realgo: unknown mode", os.Args[1])
		os.Exit(2)
	}
}
