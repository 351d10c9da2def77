// live MIB: keep MIB mebibytes live (touched), 1 MiB at a time, then say
// so.  Under a smaller --memory the Go runtime dies of "out of memory".
package main

import (
	"fmt"
	"os"
	"strconv"
)

var keep [][]byte

func main() {
	mib, err := strconv.Atoi(os.Args[1])
	if err != nil {
		os.Exit(2)
	}
	for i := 0; i < mib; i++ {
		b := make([]byte, 1<<20)
		for j := range b {
			b[j] = byte(j)
		}
		keep = append(keep, b)
	}
	fmt.Println("kept", len(keep), "MiB")
}
