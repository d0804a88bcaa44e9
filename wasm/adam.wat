(module
  ;; The Adam step of src/train/exact-adam.ts (hand-written; `npm run build` assembles it): TensorFlow.js's
  ;; AdamOptimizer update in float32, operation for operation, four weights at a time (lanes are weights,
  ;; never terms of one sum; division and square root are IEEE in wasm, as in TensorFlow.js's kernels).
  (memory (export "memory") 1)
  ;; For i in [0, n): m = m*b1 + g*omb1; v = v*b2 + (g*g)*omb2; w = ((m/bc1) / (sqrt(v/bc2) + eps)) * mlr + w.
  (func (export "adam") (param $w i32) (param $g i32) (param $m i32) (param $v i32) (param $n i32)
    (param $b1 f32) (param $b2 f32) (param $omb1 f32) (param $omb2 f32) (param $bc1 f32) (param $bc2 f32) (param $eps f32) (param $mlr f32)
    (local $i i32) (local $end i32) (local $gv v128) (local $mv v128) (local $vv v128)
    (local $b1v v128) (local $b2v v128) (local $omb1v v128) (local $omb2v v128) (local $bc1v v128) (local $bc2v v128) (local $epsv v128) (local $mlrv v128)
    (local $gs f32) (local $ms f32) (local $vs f32)
    (local.set $b1v (f32x4.splat (local.get $b1)))
    (local.set $b2v (f32x4.splat (local.get $b2)))
    (local.set $omb1v (f32x4.splat (local.get $omb1)))
    (local.set $omb2v (f32x4.splat (local.get $omb2)))
    (local.set $bc1v (f32x4.splat (local.get $bc1)))
    (local.set $bc2v (f32x4.splat (local.get $bc2)))
    (local.set $epsv (f32x4.splat (local.get $eps)))
    (local.set $mlrv (f32x4.splat (local.get $mlr)))
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $gv (v128.load (i32.add (local.get $g) (local.get $i))))
      (local.set $mv (f32x4.add (f32x4.mul (v128.load (i32.add (local.get $m) (local.get $i))) (local.get $b1v)) (f32x4.mul (local.get $gv) (local.get $omb1v))))
      (local.set $vv (f32x4.add (f32x4.mul (v128.load (i32.add (local.get $v) (local.get $i))) (local.get $b2v)) (f32x4.mul (f32x4.mul (local.get $gv) (local.get $gv)) (local.get $omb2v))))
      (v128.store (i32.add (local.get $m) (local.get $i)) (local.get $mv))
      (v128.store (i32.add (local.get $v) (local.get $i)) (local.get $vv))
      (v128.store (i32.add (local.get $w) (local.get $i))
        (f32x4.add
          (f32x4.mul (f32x4.div (f32x4.div (local.get $mv) (local.get $bc1v)) (f32x4.add (f32x4.sqrt (f32x4.div (local.get $vv) (local.get $bc2v))) (local.get $epsv))) (local.get $mlrv))
          (v128.load (i32.add (local.get $w) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $l)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done1 (loop $l1
      (br_if $done1 (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $gs (f32.load (i32.add (local.get $g) (local.get $i))))
      (local.set $ms (f32.add (f32.mul (f32.load (i32.add (local.get $m) (local.get $i))) (local.get $b1)) (f32.mul (local.get $gs) (local.get $omb1))))
      (local.set $vs (f32.add (f32.mul (f32.load (i32.add (local.get $v) (local.get $i))) (local.get $b2)) (f32.mul (f32.mul (local.get $gs) (local.get $gs)) (local.get $omb2))))
      (f32.store (i32.add (local.get $m) (local.get $i)) (local.get $ms))
      (f32.store (i32.add (local.get $v) (local.get $i)) (local.get $vs))
      (f32.store (i32.add (local.get $w) (local.get $i))
        (f32.add
          (f32.mul (f32.div (f32.div (local.get $ms) (local.get $bc1)) (f32.add (f32.sqrt (f32.div (local.get $vs) (local.get $bc2))) (local.get $eps))) (local.get $mlr))
          (f32.load (i32.add (local.get $w) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $l1))))
)
