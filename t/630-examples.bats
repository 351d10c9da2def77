#!/usr/bin/env bats
# t/630-examples.bats - the example policies under examples/ run as their
# comments say: a pipeline, a fan-in, a grader; and the grader's
# submissions get the verdicts examples/grader/expected lists.

load helpers

GR="$MINOS_SRC/examples/grader"

@test "examples/policy/wordcount.yaml (a pipeline) counts the words" {
	run mx --policy="$MINOS_SRC/examples/policy/wordcount.yaml"
	expect_status 0
	[ "$(echo "$output" | tr -s ' ' | sed 's/^ //' | sort)" = "1 fig
2 pear
3 apple" ]
}

@test "examples/policy/fanin.yaml (a fan-in) joins both producers" {
	run mx --policy="$MINOS_SRC/examples/policy/fanin.yaml"
	expect_status 0
	[ "$(echo "$output" | sort | tr '\n' ' ')" = "left right " ]
}

@test "examples/grader/grader.yaml judges the correct submission OK" {
	# The policy names ./sum and ./checker next to it: put the built
	# programs next to a copy (the source tree may be read-only).
	d="$BATS_TEST_TMPDIR/grader"
	mkdir -p "$d"
	cp -r "$GR/grader.yaml" "$GR/tests" "$d/"
	ln -s "$EX/grader/sum" "$d/sum"
	ln -s "$EX/grader/checker" "$d/checker"
	R="$BATS_TEST_TMPDIR/report.json"
	run mx --report="$R" --policy="$d/grader.yaml"
	expect_status 0
	expect_exact "OK"
	[ "$(jq -r '[.containers[].verdict] | join(" ")' "$R")" = "OK OK" ]
}

@test "examples/grader/grade gives every submission its expected verdicts" {
	export MINOS_EXEC CHECKER="$EX/grader/checker"
	n=0
	while read -r sub want; do
		case $sub in ''|'#'*) continue ;; esac
		run sh "$GR/grade" "$EX/grader/$sub" "$GR/tests"
		got=$(echo "$output" | sed 's/^test [0-9]*: //' | tr '\n' ' ')
		if [ "$got" != "$want " ]; then
			echo "$sub: expected '$want', got '$got'" >&2
			return 1
		fi
		n=$((n + 1))
	done < "$GR/expected"
	[ "$n" = 6 ]
}
