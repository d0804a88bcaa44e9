(module
  ;; The fixed-point quantiser of src/arith/simd-quantise.ts (hand-written; `npm run build` assembles it).
  (memory (export "memory") 1)
  ;; Largest |x| over n float32 at byte offset src; NaN is skipped (pmax keeps the left operand unless it
  ;; is less than the right one), as the JavaScript maxAbs32 does.
  (func (export "maxabs") (param $src i32) (param $n i32) (result f32)
    (local $i i32) (local $end4 i32) (local $m v128) (local $s f32) (local $v f32)
    (local.set $end4 (i32.and (local.get $n) (i32.const -4)))
    (local.set $m (v128.const f32x4 0 0 0 0))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $end4)))
      (local.set $m (f32x4.pmax (local.get $m) (f32x4.abs (v128.load (i32.add (local.get $src) (i32.shl (local.get $i) (i32.const 2)))))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $l)))
    (local.set $s (f32.max (f32.max (f32x4.extract_lane 0 (local.get $m)) (f32x4.extract_lane 1 (local.get $m)))
                           (f32.max (f32x4.extract_lane 2 (local.get $m)) (f32x4.extract_lane 3 (local.get $m)))))
    (block $done2 (loop $l2
      (br_if $done2 (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $v (f32.abs (f32.load (i32.add (local.get $src) (i32.shl (local.get $i) (i32.const 2))))))
      (local.set $s (select (local.get $v) (local.get $s) (f32.lt (local.get $s) (local.get $v))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l2)))
    (local.get $s))
  ;; dst[i] = table[trunc(nearest(clamp(src[i] * scale, qmin, qmax))) - qmin]: clamping before rounding is
  ;; the same as after (the bounds are integers); NaN stays NaN through min/max and truncates to 0.
  (func (export "quantise") (param $src i32) (param $n i32) (param $scale f32) (param $qmin i32) (param $qmax i32) (param $table i32) (param $dst i32)
    (local $i i32) (local $end4 i32) (local $sv v128) (local $lo v128) (local $hi v128) (local $off v128) (local $r v128) (local $a i32) (local $v f32)
    (local.set $end4 (i32.and (local.get $n) (i32.const -4)))
    (local.set $sv (f32x4.splat (local.get $scale)))
    (local.set $lo (f32x4.splat (f32.convert_i32_s (local.get $qmin))))
    (local.set $hi (f32x4.splat (f32.convert_i32_s (local.get $qmax))))
    (local.set $off (i32x4.splat (local.get $qmin)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $end4)))
      (local.set $a (i32.shl (local.get $i) (i32.const 2)))
      (local.set $r
        (i32x4.shl
          (i32x4.sub
            (i32x4.trunc_sat_f32x4_s (f32x4.nearest (f32x4.min (local.get $hi) (f32x4.max (local.get $lo) (f32x4.mul (v128.load (i32.add (local.get $src) (local.get $a))) (local.get $sv))))))
            (local.get $off))
          (i32.const 2)))
      (f32.store (i32.add (local.get $dst) (local.get $a)) (f32.load (i32.add (local.get $table) (i32x4.extract_lane 0 (local.get $r)))))
      (f32.store offset=4 (i32.add (local.get $dst) (local.get $a)) (f32.load (i32.add (local.get $table) (i32x4.extract_lane 1 (local.get $r)))))
      (f32.store offset=8 (i32.add (local.get $dst) (local.get $a)) (f32.load (i32.add (local.get $table) (i32x4.extract_lane 2 (local.get $r)))))
      (f32.store offset=12 (i32.add (local.get $dst) (local.get $a)) (f32.load (i32.add (local.get $table) (i32x4.extract_lane 3 (local.get $r)))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $l)))
    (block $done2 (loop $l2
      (br_if $done2 (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $a (i32.shl (local.get $i) (i32.const 2)))
      (local.set $v (f32.nearest (f32.min (f32.convert_i32_s (local.get $qmax)) (f32.max (f32.convert_i32_s (local.get $qmin)) (f32.mul (f32.load (i32.add (local.get $src) (local.get $a))) (local.get $scale))))))
      (f32.store (i32.add (local.get $dst) (local.get $a))
        (f32.load (i32.add (local.get $table) (i32.shl (i32.sub (i32.trunc_sat_f32_s (local.get $v)) (local.get $qmin)) (i32.const 2)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l2))))
  ;; fpmul's operand transform: dst = src & mask on every float32 whose exponent is not all ones
  ;; (infinities and NaN pass unchanged), as maskFloats in src/multipliers/float-multiplier.ts.
  (func (export "maskf32") (param $src i32) (param $n i32) (param $m i32) (param $dst i32)
    (local $i i32) (local $end4 i32) (local $a i32) (local $mv v128) (local $ev v128) (local $v v128) (local $w i32)
    (local.set $end4 (i32.and (local.get $n) (i32.const -4)))
    (local.set $mv (i32x4.splat (local.get $m)))
    (local.set $ev (i32x4.splat (i32.const 0x7f800000)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $end4)))
      (local.set $a (i32.shl (local.get $i) (i32.const 2)))
      (local.set $v (v128.load (i32.add (local.get $src) (local.get $a))))
      (v128.store (i32.add (local.get $dst) (local.get $a))
        (v128.bitselect (local.get $v) (v128.and (local.get $v) (local.get $mv)) (i32x4.eq (v128.and (local.get $v) (local.get $ev)) (local.get $ev))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $l)))
    (block $done2 (loop $l2
      (br_if $done2 (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $a (i32.shl (local.get $i) (i32.const 2)))
      (local.set $w (i32.load (i32.add (local.get $src) (local.get $a))))
      (i32.store (i32.add (local.get $dst) (local.get $a))
        (select (local.get $w) (i32.and (local.get $w) (local.get $m)) (i32.eq (i32.and (local.get $w) (i32.const 0x7f800000)) (i32.const 0x7f800000))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l2))))
)
