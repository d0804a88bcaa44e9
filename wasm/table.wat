(module
  ;; The general table product of src/arith/table-matmul.ts (hand-written; `npm run build` assembles it):
  ;; JavaScript's typed-array gathers cost about five times these loads. Sums are of integers in float64,
  ;; exact below 2^53, so their order does not matter.
  (memory (export "memory") 1)
  ;; Rows [from, to): out[i, :] = base + the sum over kk with aIdx[i, kk] != skip of the table row
  ;; aIdx[i, kk] gathered at bIdx[kk, :]. Indices are int32, the table, base and out float64.
  (func (export "rows") (param $aIdx i32) (param $bIdx i32) (param $table i32) (param $base i32) (param $skip i32)
    (param $k i32) (param $n i32) (param $range i32) (param $out i32) (param $from i32) (param $to i32)
    (local $i i32) (local $kk i32) (local $v i32) (local $row i32) (local $off i32) (local $j i32) (local $o i32) (local $nb i32) (local $end i32)
    (local.set $nb (i32.shl (local.get $n) (i32.const 3)))
    (local.set $i (local.get $from))
    (block $idone (loop $il
      (br_if $idone (i32.ge_u (local.get $i) (local.get $to)))
      (local.set $o (i32.add (local.get $out) (i32.mul (local.get $i) (local.get $nb))))
      (memory.copy (local.get $o) (local.get $base) (local.get $nb))
      (local.set $end (i32.add (local.get $o) (local.get $nb)))
      (local.set $kk (i32.const 0))
      (block $kdone (loop $kl
        (br_if $kdone (i32.ge_u (local.get $kk) (local.get $k)))
        (local.set $v (i32.load (i32.add (local.get $aIdx) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $k)) (local.get $kk)) (i32.const 2)))))
        (if (i32.ne (local.get $v) (local.get $skip))
          (then
            (local.set $row (i32.add (local.get $table) (i32.shl (i32.mul (local.get $v) (local.get $range)) (i32.const 3))))
            (local.set $off (i32.add (local.get $bIdx) (i32.shl (i32.mul (local.get $kk) (local.get $n)) (i32.const 2))))
            (local.set $j (local.get $o))
            (block $jdone (loop $jl
              (br_if $jdone (i32.ge_u (local.get $j) (local.get $end)))
              (f64.store (local.get $j) (f64.add (f64.load (local.get $j)) (f64.load (i32.add (local.get $row) (i32.shl (i32.load (local.get $off)) (i32.const 3))))))
              (local.set $j (i32.add (local.get $j) (i32.const 8)))
              (local.set $off (i32.add (local.get $off) (i32.const 4)))
              (br $jl)))))
        (local.set $kk (i32.add (local.get $kk) (i32.const 1)))
        (br $kl)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $il))))
)
