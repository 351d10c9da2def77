// A Go hello, built by t/620-verdict.bats when go is installed
// (CGO_ENABLED=0: a static program).
package main

import "fmt"

func main() { fmt.Println("hello, world") }
