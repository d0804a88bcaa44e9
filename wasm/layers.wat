(module
  ;; Kernels of the exact conv2d and max-pooling ops (src/nn/layer-kernels.ts; hand-written, `npm run build`
  ;; assembles it). Convolutions: Stride 1, 'valid' over an input the caller has already zero-padded ('same' pads it
  ;; first): x is NHWC (n, h, w, c), output oh = h - kh + 1 by ow = w - kw + 1; filters are the dense
  ;; layer's W (K = kh*kw*c rows ordered (dy, dx, c), cout columns). Addresses are byte offsets.
  ;;
  ;; Every output is the sum its im2col + matrix-product form computes, in the same order, in float32: the
  ;; wasm backend's product starts each sum at +0 and adds the products of its inner dimension in order
  ;; (no fused multiply-add; test/nn/ops/dense.test.ts). Terms whose product is exactly zero (a padding
  ;; position, a zero gradient) may be added or skipped: a sum that starts at +0 is never -0, so adding
  ;; +-0 changes nothing. SIMD lanes run over independent outputs, never over the terms of one sum.
  (import "env" "memory" (memory 1 32768 shared))

  ;; xp (n, h + ph, w + pw, c) = x (n, h, w, c) placed at row pt, column pl, the value v around it.
  (func (export "pad") (param $x i32) (param $n i32) (param $h i32) (param $w i32) (param $c i32)
    (param $xp i32) (param $ph i32) (param $pw i32) (param $pt i32) (param $pl i32) (param $v f32)
    (local $r i32) (local $rows i32) (local $wb i32) (local $wpb i32) (local $a i32) (local $end i32)
    (local.set $wb (i32.shl (i32.mul (local.get $w) (local.get $c)) (i32.const 2)))
    (local.set $wpb (i32.shl (i32.mul (i32.add (local.get $w) (local.get $pw)) (local.get $c)) (i32.const 2)))
    (local.set $rows (i32.mul (local.get $n) (local.get $h)))
    (local.set $end (i32.add (local.get $xp) (i32.mul (i32.mul (local.get $n) (i32.add (local.get $h) (local.get $ph))) (local.get $wpb))))
    (if (i32.eqz (i32.reinterpret_f32 (local.get $v)))
      (then (memory.fill (local.get $xp) (i32.const 0) (i32.sub (local.get $end) (local.get $xp))))
      (else
        (local.set $a (local.get $xp))
        (block $fdone (loop $fl
          (br_if $fdone (i32.ge_u (local.get $a) (local.get $end)))
          (f32.store (local.get $a) (local.get $v))
          (local.set $a (i32.add (local.get $a) (i32.const 4)))
          (br $fl)))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
      ;; Row r = (s, y) goes to padded row s * (h + ph) + y + pt = r + s * ph + pt.
      (memory.copy
        (i32.add (i32.add (local.get $xp) (i32.shl (i32.mul (local.get $pl) (local.get $c)) (i32.const 2)))
          (i32.mul (i32.add (i32.add (local.get $r) (i32.mul (i32.div_u (local.get $r) (local.get $h)) (local.get $ph))) (local.get $pt)) (local.get $wpb)))
        (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $wb)))
        (local.get $wb))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $l))))

  ;; cols (n*oh*ow rows of kh*kw*c floats, ordered (dy, dx, c)) = every output pixel's window of x, an
  ;; image the caller has already padded (n, h, w, c), for the samples [s0, s1): im2col. A window row is kw*c
  ;; contiguous floats of x, copied four at a time; the last vector may spill up to 3 floats past the row,
  ;; into the place of the next row (written after it) or past the end of cols (the caller leaves 3 floats of
  ;; slack there and after x).
  (func (export "patches")
    (param $x i32) (param $h i32) (param $w i32) (param $c i32) (param $kh i32) (param $kw i32)
    (param $oh i32) (param $ow i32) (param $cols i32) (param $s0 i32) (param $s1 i32)
    (local $s i32) (local $oy i32) (local $ox i32) (local $dyk i32) (local $q i32) (local $runb i32) (local $rowb i32) (local $ps i32)
    (local $xa i32) (local $ca i32)
    (local.set $ps (i32.shl (local.get $c) (i32.const 2)))
    (local.set $runb (i32.mul (local.get $kw) (local.get $ps)))
    (local.set $rowb (i32.mul (local.get $w) (local.get $ps)))
    (local.set $ca (i32.add (local.get $cols) (i32.mul (i32.mul (i32.mul (i32.mul (local.get $s0) (local.get $oh)) (local.get $ow)) (local.get $kh)) (local.get $runb))))
    (local.set $s (local.get $s0))
    (block $sdone (loop $sl
      (br_if $sdone (i32.ge_u (local.get $s) (local.get $s1)))
      (local.set $oy (i32.const 0))
      (block $ydone (loop $yl
        (br_if $ydone (i32.ge_u (local.get $oy) (local.get $oh)))
        (local.set $ox (i32.const 0))
        (block $xdone (loop $xl
          (br_if $xdone (i32.ge_u (local.get $ox) (local.get $ow)))
          (local.set $xa (i32.add (local.get $x) (i32.add (i32.mul (i32.add (i32.mul (local.get $s) (local.get $h)) (local.get $oy)) (local.get $rowb))
                                                          (i32.mul (local.get $ox) (local.get $ps)))))
          (local.set $dyk (i32.const 0))
          (loop $kl
            (local.set $q (i32.const 0))
            (loop $ql
              (v128.store (i32.add (local.get $ca) (local.get $q)) (v128.load (i32.add (local.get $xa) (local.get $q))))
              (local.set $q (i32.add (local.get $q) (i32.const 16)))
              (br_if $ql (i32.lt_u (local.get $q) (local.get $runb))))
            (local.set $ca (i32.add (local.get $ca) (local.get $runb)))
            (local.set $xa (i32.add (local.get $xa) (local.get $rowb)))
            (local.set $dyk (i32.add (local.get $dyk) (i32.const 1)))
            (br_if $kl (i32.lt_u (local.get $dyk) (local.get $kh))))
          (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
          (br $xl)))
        (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
        (br $yl)))
      (local.set $s (i32.add (local.get $s) (i32.const 1)))
      (br $sl))))

  ;; The inverse placement: x (n, h, w, c) = the interior of xp, the padding dropped.
  (func (export "crop") (param $xp i32) (param $n i32) (param $h i32) (param $w i32) (param $c i32)
    (param $x i32) (param $ph i32) (param $pw i32) (param $pt i32) (param $pl i32)
    (local $r i32) (local $rows i32) (local $wb i32) (local $wpb i32)
    (local.set $wb (i32.shl (i32.mul (local.get $w) (local.get $c)) (i32.const 2)))
    (local.set $wpb (i32.shl (i32.mul (i32.add (local.get $w) (local.get $pw)) (local.get $c)) (i32.const 2)))
    (local.set $rows (i32.mul (local.get $n) (local.get $h)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
      (memory.copy
        (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $wb)))
        (i32.add (i32.add (local.get $xp) (i32.shl (i32.mul (local.get $pl) (local.get $c)) (i32.const 2)))
          (i32.mul (i32.add (i32.add (local.get $r) (i32.mul (i32.div_u (local.get $r) (local.get $h)) (local.get $ph))) (local.get $pt)) (local.get $wpb)))
        (local.get $wb))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $l))))

  ;; y[r, :] = bias + sum over k of x[window(r), k] * W[k, :] for the output pixels of samples [s0, s1). W is
  ;; padded to coutp columns (a multiple of 4) at $wt, the bias to coutp at $bias; y has cout columns.
  ;; Four neighbouring pixels of a row share each weight load, eight output channels at a time (then
  ;; four); pixels left over at a row's end go one at a time.
  (func (export "fwd")
    (param $x i32) (param $h i32) (param $w i32) (param $c i32) (param $kh i32) (param $kw i32)
    (param $oh i32) (param $ow i32) (param $wt i32) (param $coutp i32) (param $cout i32) (param $bias i32) (param $y i32)
    (param $s0 i32) (param $s1 i32)
    (local $s i32) (local $oy i32) (local $ox i32) (local $g i32) (local $dyk i32) (local $t i32) (local $run i32)
    (local $ps i32) (local $ps2 i32) (local $ps3 i32) (local $ys i32) (local $wstride i32) (local $rowb i32) (local $xa i32) (local $wa i32) (local $ya i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local $w0 v128) (local $w1 v128) (local $v v128)
    (local.set $ps (i32.shl (local.get $c) (i32.const 2)))
    (local.set $ps2 (i32.shl (local.get $ps) (i32.const 1)))
    (local.set $ps3 (i32.add (local.get $ps2) (local.get $ps)))
    (local.set $ys (i32.shl (local.get $cout) (i32.const 2)))
    (local.set $wstride (i32.shl (local.get $coutp) (i32.const 2)))
    (local.set $rowb (i32.shl (i32.mul (local.get $w) (local.get $c)) (i32.const 2)))
    (local.set $run (i32.mul (local.get $kw) (local.get $c)))
    (local.set $s (local.get $s0))
    (block $sdone (loop $sl
      (br_if $sdone (i32.ge_u (local.get $s) (local.get $s1)))
      (local.set $oy (i32.const 0))
      (block $ydone (loop $yl
        (br_if $ydone (i32.ge_u (local.get $oy) (local.get $oh)))
        (local.set $ox (i32.const 0))
        (block $xdone (loop $xl
          (br_if $xdone (i32.gt_u (i32.add (local.get $ox) (i32.const 4)) (local.get $ow)))
          (local.set $ya (i32.add (local.get $y) (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $s) (local.get $oh)) (local.get $oy)) (local.get $ow)) (local.get $ox)) (local.get $ys))))
          (local.set $g (i32.const 0))
          ;; Eight channels by four pixels: eight independent sums per weight row.
          (block $g8done (loop $g8
            (br_if $g8done (i32.gt_u (i32.add (local.get $g) (i32.const 8)) (local.get $coutp)))
            (local.set $a0 (v128.const f32x4 0 0 0 0)) (local.set $a1 (local.get $a0)) (local.set $a2 (local.get $a0)) (local.set $a3 (local.get $a0))
            (local.set $b0 (local.get $a0)) (local.set $b1 (local.get $a0)) (local.set $b2 (local.get $a0)) (local.set $b3 (local.get $a0))
            (local.set $dyk (i32.const 0))
            (loop $kl
              (local.set $xa (i32.add (local.get $x) (i32.add (i32.mul (i32.add (i32.mul (local.get $s) (local.get $h)) (i32.add (local.get $oy) (local.get $dyk))) (local.get $rowb))
                                                              (i32.mul (local.get $ox) (local.get $ps)))))
              (local.set $wa (i32.add (local.get $wt) (i32.shl (i32.add (i32.mul (i32.mul (local.get $dyk) (local.get $run)) (local.get $coutp)) (local.get $g)) (i32.const 2))))
              (local.set $t (local.get $run))
              (loop $tl
                (local.set $w0 (v128.load (local.get $wa)))
                (local.set $w1 (v128.load offset=16 (local.get $wa)))
                (local.set $v (v128.load32_splat (local.get $xa)))
                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (local.get $w0))))
                (local.set $b0 (f32x4.add (local.get $b0) (f32x4.mul (local.get $v) (local.get $w1))))
                (local.set $v (v128.load32_splat (i32.add (local.get $xa) (local.get $ps))))
                (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (local.get $w0))))
                (local.set $b1 (f32x4.add (local.get $b1) (f32x4.mul (local.get $v) (local.get $w1))))
                (local.set $v (v128.load32_splat (i32.add (local.get $xa) (local.get $ps2))))
                (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (local.get $w0))))
                (local.set $b2 (f32x4.add (local.get $b2) (f32x4.mul (local.get $v) (local.get $w1))))
                (local.set $v (v128.load32_splat (i32.add (local.get $xa) (local.get $ps3))))
                (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (local.get $w0))))
                (local.set $b3 (f32x4.add (local.get $b3) (f32x4.mul (local.get $v) (local.get $w1))))
                (local.set $xa (i32.add (local.get $xa) (i32.const 4)))
                (local.set $wa (i32.add (local.get $wa) (local.get $wstride)))
                (local.set $t (i32.sub (local.get $t) (i32.const 1)))
                (br_if $tl (local.get $t)))
              (local.set $dyk (i32.add (local.get $dyk) (i32.const 1)))
              (br_if $kl (i32.lt_u (local.get $dyk) (local.get $kh))))
            (call $store4 (local.get $ya) (local.get $ys) (local.get $bias) (local.get $g) (local.get $cout) (local.get $a0) (local.get $a1) (local.get $a2) (local.get $a3))
            (call $store4 (local.get $ya) (local.get $ys) (local.get $bias) (i32.add (local.get $g) (i32.const 4)) (local.get $cout) (local.get $b0) (local.get $b1) (local.get $b2) (local.get $b3))
            (local.set $g (i32.add (local.get $g) (i32.const 8)))
            (br $g8)))
          ;; Four channels by four pixels.
          (if (i32.lt_u (local.get $g) (local.get $coutp))
            (then
              (local.set $a0 (v128.const f32x4 0 0 0 0)) (local.set $a1 (local.get $a0)) (local.set $a2 (local.get $a0)) (local.set $a3 (local.get $a0))
              (local.set $dyk (i32.const 0))
              (loop $kl4
                (local.set $xa (i32.add (local.get $x) (i32.add (i32.mul (i32.add (i32.mul (local.get $s) (local.get $h)) (i32.add (local.get $oy) (local.get $dyk))) (local.get $rowb))
                                                                (i32.mul (local.get $ox) (local.get $ps)))))
                (local.set $wa (i32.add (local.get $wt) (i32.shl (i32.add (i32.mul (i32.mul (local.get $dyk) (local.get $run)) (local.get $coutp)) (local.get $g)) (i32.const 2))))
                (local.set $t (local.get $run))
                (loop $tl4
                  (local.set $w0 (v128.load (local.get $wa)))
                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load32_splat (local.get $xa)) (local.get $w0))))
                  (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load32_splat (i32.add (local.get $xa) (local.get $ps))) (local.get $w0))))
                  (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load32_splat (i32.add (local.get $xa) (local.get $ps2))) (local.get $w0))))
                  (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load32_splat (i32.add (local.get $xa) (local.get $ps3))) (local.get $w0))))
                  (local.set $xa (i32.add (local.get $xa) (i32.const 4)))
                  (local.set $wa (i32.add (local.get $wa) (local.get $wstride)))
                  (local.set $t (i32.sub (local.get $t) (i32.const 1)))
                  (br_if $tl4 (local.get $t)))
                (local.set $dyk (i32.add (local.get $dyk) (i32.const 1)))
                (br_if $kl4 (i32.lt_u (local.get $dyk) (local.get $kh))))
              (call $store4 (local.get $ya) (local.get $ys) (local.get $bias) (local.get $g) (local.get $cout) (local.get $a0) (local.get $a1) (local.get $a2) (local.get $a3))))
          (local.set $ox (i32.add (local.get $ox) (i32.const 4)))
          (br $xl)))
        ;; The row's last ow mod 4 pixels, one at a time, four channels at a time.
        (block $rdone (loop $rl
          (br_if $rdone (i32.ge_u (local.get $ox) (local.get $ow)))
          (local.set $ya (i32.add (local.get $y) (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $s) (local.get $oh)) (local.get $oy)) (local.get $ow)) (local.get $ox)) (local.get $ys))))
          (local.set $g (i32.const 0))
          (block $g1done (loop $g1
            (br_if $g1done (i32.ge_u (local.get $g) (local.get $coutp)))
            (local.set $a0 (v128.const f32x4 0 0 0 0))
            (local.set $dyk (i32.const 0))
            (loop $kl1
              (local.set $xa (i32.add (local.get $x) (i32.add (i32.mul (i32.add (i32.mul (local.get $s) (local.get $h)) (i32.add (local.get $oy) (local.get $dyk))) (local.get $rowb))
                                                              (i32.mul (local.get $ox) (local.get $ps)))))
              (local.set $wa (i32.add (local.get $wt) (i32.shl (i32.add (i32.mul (i32.mul (local.get $dyk) (local.get $run)) (local.get $coutp)) (local.get $g)) (i32.const 2))))
              (local.set $t (local.get $run))
              (loop $tl1
                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load32_splat (local.get $xa)) (v128.load (local.get $wa)))))
                (local.set $xa (i32.add (local.get $xa) (i32.const 4)))
                (local.set $wa (i32.add (local.get $wa) (local.get $wstride)))
                (local.set $t (i32.sub (local.get $t) (i32.const 1)))
                (br_if $tl1 (local.get $t)))
              (local.set $dyk (i32.add (local.get $dyk) (i32.const 1)))
              (br_if $kl1 (i32.lt_u (local.get $dyk) (local.get $kh))))
            (call $store (i32.add (local.get $ya) (i32.shl (local.get $g) (i32.const 2)))
              (f32x4.add (local.get $a0) (v128.load (i32.add (local.get $bias) (i32.shl (local.get $g) (i32.const 2)))))
              (i32.sub (local.get $cout) (local.get $g)))
            (local.set $g (i32.add (local.get $g) (i32.const 4)))
            (br $g1)))
          (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
          (br $rl)))
        (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
        (br $yl)))
      (local.set $s (i32.add (local.get $s) (i32.const 1)))
      (br $sl))))

  ;; Four pixels' sums for channels [g, g + 4), bias added after the whole sum (as tf.add(matMul, b)),
  ;; stored at y (pixel stride ys bytes); channels from cout on are not stored.
  (func $store4 (param $ya i32) (param $ys i32) (param $bias i32) (param $g i32) (param $cout i32)
    (param $a0 v128) (param $a1 v128) (param $a2 v128) (param $a3 v128)
    (local $bv v128) (local $n i32)
    (local.set $bv (v128.load (i32.add (local.get $bias) (i32.shl (local.get $g) (i32.const 2)))))
    (local.set $ya (i32.add (local.get $ya) (i32.shl (local.get $g) (i32.const 2))))
    (local.set $n (i32.sub (local.get $cout) (local.get $g)))
    (call $store (local.get $ya) (f32x4.add (local.get $a0) (local.get $bv)) (local.get $n))
    (call $store (i32.add (local.get $ya) (local.get $ys)) (f32x4.add (local.get $a1) (local.get $bv)) (local.get $n))
    (call $store (i32.add (local.get $ya) (i32.shl (local.get $ys) (i32.const 1))) (f32x4.add (local.get $a2) (local.get $bv)) (local.get $n))
    (call $store (i32.add (local.get $ya) (i32.mul (local.get $ys) (i32.const 3))) (f32x4.add (local.get $a3) (local.get $bv)) (local.get $n)))

  ;; The first min(lanes, 4) lanes of v at address a (none when lanes <= 0).
  (func $store (param $a i32) (param $v v128) (param $lanes i32)
    (if (i32.ge_s (local.get $lanes) (i32.const 4)) (then (v128.store (local.get $a) (local.get $v)) (return)))
    (if (i32.ge_s (local.get $lanes) (i32.const 1)) (then (f32.store (local.get $a) (f32x4.extract_lane 0 (local.get $v)))))
    (if (i32.ge_s (local.get $lanes) (i32.const 2)) (then (f32.store offset=4 (local.get $a) (f32x4.extract_lane 1 (local.get $v)))))
    (if (i32.ge_s (local.get $lanes) (i32.const 3)) (then (f32.store offset=8 (local.get $a) (f32x4.extract_lane 2 (local.get $v))))))

  ;; dst[0..n) += src[0..n), four at a time, then one at a time.
  (func $addto (param $dst i32) (param $src i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $dst) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $vdone (loop $vl
      (br_if $vdone (i32.ge_u (local.get $dst) (local.get $end)))
      (v128.store (local.get $dst) (f32x4.add (v128.load (local.get $dst)) (v128.load (local.get $src))))
      (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
      (local.set $src (i32.add (local.get $src) (i32.const 16)))
      (br $vl)))
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2))))
    (block $sdone (loop $sl
      (br_if $sdone (i32.ge_u (local.get $dst) (local.get $end)))
      (f32.store (local.get $dst) (f32.add (f32.load (local.get $dst)) (f32.load (local.get $src))))
      (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
      (local.set $src (i32.add (local.get $src) (i32.const 4)))
      (br $sl))))

  ;; dst[0..n) = src[0..n) (n floats), four at a time, then one at a time.
  (func $copy (param $dst i32) (param $src i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $dst) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $vdone (loop $vl
      (br_if $vdone (i32.ge_u (local.get $dst) (local.get $end)))
      (v128.store (local.get $dst) (v128.load (local.get $src)))
      (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
      (local.set $src (i32.add (local.get $src) (i32.const 16)))
      (br $vl)))
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2))))
    (block $sdone (loop $sl
      (br_if $sdone (i32.ge_u (local.get $dst) (local.get $end)))
      (f32.store (local.get $dst) (f32.load (local.get $src)))
      (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
      (local.set $src (i32.add (local.get $src) (i32.const 4)))
      (br $sl))))

;; dW^T for output channels [j0, j1): dwt[j, dy, q] += dy[r, j] * x[window(r) row dy, element q] over every output
  ;; pixel r of samples [0, n) in order (each sum runs over r, as the product's inner dimension does). A
  ;; window row (kw*c floats) is read as runp = kw*c rounded up to 4 floats straight from the image: the
  ;; lanes past kw*c add up neighbours' products that the caller drops. dwt is (cout x kh x runp), zeroed
  ;; by the caller; x needs 3 floats of slack after it. Zero gradients are skipped (most are, after ReLU
  ;; and max pooling).
  (func (export "wgrad")
    (param $x i32) (param $h i32) (param $w i32) (param $c i32) (param $kh i32) (param $kw i32)
    (param $oh i32) (param $ow i32) (param $dy i32) (param $cout i32) (param $dwt i32) (param $runp i32) (param $n i32)
    (param $j0 i32) (param $j1 i32)
    (local $j i32) (local $r i32) (local $rows i32) (local $s i32) (local $oy i32) (local $ox i32) (local $dyk i32)
    (local $ga i32) (local $gr f32) (local $gv v128) (local $q i32) (local $runb i32) (local $rowb i32) (local $xa i32) (local $wa i32) (local $aa i32)
    (local.set $rows (i32.mul (i32.mul (local.get $n) (local.get $oh)) (local.get $ow)))
    (local.set $runb (i32.shl (local.get $runp) (i32.const 2)))
    (local.set $rowb (i32.shl (i32.mul (local.get $w) (local.get $c)) (i32.const 2)))
    (local.set $j (local.get $j0))
    (block $jdone (loop $jl
      (br_if $jdone (i32.ge_u (local.get $j) (local.get $j1)))
      (local.set $wa (i32.add (local.get $dwt) (i32.mul (i32.mul (local.get $j) (local.get $kh)) (local.get $runb))))
      (local.set $ga (i32.add (local.get $dy) (i32.shl (local.get $j) (i32.const 2))))
      (local.set $s (i32.const 0))
      (local.set $oy (i32.const 0))
      (local.set $ox (i32.const 0))
      (local.set $r (i32.const 0))
      (block $rdone (loop $rl
        (br_if $rdone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $gr (f32.load (local.get $ga)))
        (if (f32.ne (local.get $gr) (f32.const 0))
          (then
            (local.set $gv (f32x4.splat (local.get $gr)))
            (local.set $xa (i32.add (local.get $x) (i32.add (i32.mul (i32.add (i32.mul (local.get $s) (local.get $h)) (local.get $oy)) (local.get $rowb))
                                                            (i32.shl (i32.mul (local.get $ox) (local.get $c)) (i32.const 2)))))
            (local.set $aa (local.get $wa))
            (local.set $dyk (i32.const 0))
            (loop $kl
              (local.set $q (i32.const 0))
              (loop $ql
                (v128.store (i32.add (local.get $aa) (local.get $q))
                  (f32x4.add (v128.load (i32.add (local.get $aa) (local.get $q))) (f32x4.mul (local.get $gv) (v128.load (i32.add (local.get $xa) (local.get $q))))))
                (local.set $q (i32.add (local.get $q) (i32.const 16)))
                (br_if $ql (i32.lt_u (local.get $q) (local.get $runb))))
              (local.set $xa (i32.add (local.get $xa) (local.get $rowb)))
              (local.set $aa (i32.add (local.get $aa) (local.get $runb)))
              (local.set $dyk (i32.add (local.get $dyk) (i32.const 1)))
              (br_if $kl (i32.lt_u (local.get $dyk) (local.get $kh))))))
        ;; Next pixel: r + 1, with (s, oy, ox) carried along.
        (local.set $ga (i32.add (local.get $ga) (i32.shl (local.get $cout) (i32.const 2))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
        (if (i32.eq (local.get $ox) (local.get $ow))
          (then
            (local.set $ox (i32.const 0))
            (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
            (if (i32.eq (local.get $oy) (local.get $oh))
              (then (local.set $oy (i32.const 0)) (local.set $s (i32.add (local.get $s) (i32.const 1)))))))
        (br $rl)))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $jl))))

  ;; dx for samples [s0, s1) (zeroed by the caller): for every output pixel r in order, the window gradient
  ;; row[k] = sum over j in order of dy[r, j] * W[k, j] (wt is W^T, cout x kp, kp >= K a multiple of 4,
  ;; zero-padded), then added onto the pixels of its window, as col2im(dy W^T) does. $row: kp floats of
  ;; scratch.
  (func (export "igrad")
    (param $dy i32) (param $cout i32) (param $wt i32) (param $kp i32) (param $h i32) (param $w i32) (param $c i32)
    (param $kh i32) (param $kw i32) (param $oh i32) (param $ow i32) (param $dx i32) (param $row i32) (param $s0 i32) (param $s1 i32)
    (local $s i32) (local $oy i32) (local $ox i32) (local $j i32) (local $dyk i32) (local $run i32) (local $rowb i32)
    (local $ga i32) (local $gr f32) (local $any i32) (local $q i32) (local $qa i32) (local $wa i32) (local $kpb i32)
    (local $gv v128)
    (local.set $run (i32.mul (local.get $kw) (local.get $c)))
    (local.set $rowb (i32.shl (i32.mul (local.get $w) (local.get $c)) (i32.const 2)))
    (local.set $kpb (i32.shl (local.get $kp) (i32.const 2)))
    (local.set $s (local.get $s0))
    (local.set $ga (i32.add (local.get $dy) (i32.shl (i32.mul (i32.mul (i32.mul (local.get $s0) (local.get $oh)) (local.get $ow)) (local.get $cout)) (i32.const 2))))
    (block $sdone (loop $sl
      (br_if $sdone (i32.ge_u (local.get $s) (local.get $s1)))
      (local.set $oy (i32.const 0))
      (block $ydone (loop $yl
        (br_if $ydone (i32.ge_u (local.get $oy) (local.get $oh)))
        (local.set $ox (i32.const 0))
        (block $xdone (loop $xl
          (br_if $xdone (i32.ge_u (local.get $ox) (local.get $ow)))
          (local.set $any (i32.const 0))
          (local.set $j (i32.const 0))
          (block $jdone (loop $jl
            (br_if $jdone (i32.ge_u (local.get $j) (local.get $cout)))
            (local.set $gr (f32.load (i32.add (local.get $ga) (i32.shl (local.get $j) (i32.const 2)))))
            (if (f32.ne (local.get $gr) (f32.const 0))
              (then
                (local.set $gv (f32x4.splat (local.get $gr)))
                (local.set $wa (i32.add (local.get $wt) (i32.mul (local.get $j) (local.get $kpb))))
                (local.set $q (i32.const 0))
                (if (local.get $any)
                  (then
                    (loop $ql
                      (local.set $qa (i32.add (local.get $row) (local.get $q)))
                      (v128.store (local.get $qa) (f32x4.add (v128.load (local.get $qa)) (f32x4.mul (local.get $gv) (v128.load (i32.add (local.get $wa) (local.get $q))))))
                      (local.set $q (i32.add (local.get $q) (i32.const 16)))
                      (br_if $ql (i32.lt_u (local.get $q) (local.get $kpb)))))
                  (else
                    ;; The first term: +0 + p, which is p except that -0 becomes +0.
                    (loop $q0
                      (v128.store (i32.add (local.get $row) (local.get $q))
                        (f32x4.add (v128.const f32x4 0 0 0 0) (f32x4.mul (local.get $gv) (v128.load (i32.add (local.get $wa) (local.get $q))))))
                      (local.set $q (i32.add (local.get $q) (i32.const 16)))
                      (br_if $q0 (i32.lt_u (local.get $q) (local.get $kpb))))))
                (local.set $any (i32.const 1))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $jl)))
          (if (local.get $any)
            (then
              (local.set $dyk (i32.const 0))
              (loop $kl
                (call $addto
                  (i32.add (local.get $dx) (i32.add (i32.mul (i32.add (i32.mul (local.get $s) (local.get $h)) (i32.add (local.get $oy) (local.get $dyk))) (local.get $rowb))
                                                   (i32.shl (i32.mul (local.get $ox) (local.get $c)) (i32.const 2))))
                  (i32.add (local.get $row) (i32.shl (i32.mul (local.get $dyk) (local.get $run)) (i32.const 2)))
                  (local.get $run))
                (local.set $dyk (i32.add (local.get $dyk) (i32.const 1)))
                (br_if $kl (i32.lt_u (local.get $dyk) (local.get $kh))))))
          (local.set $ga (i32.add (local.get $ga) (i32.shl (local.get $cout) (i32.const 2))))
          (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
          (br $xl)))
        (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
        (br $yl)))
      (local.set $s (i32.add (local.get $s) (i32.const 1)))
      (br $sl))))
  ;; out[j] = +0 + the sum of dy[r, j] over the rows r in order (a bias gradient, as tf.sum(dy, 0) adds it).
  ;; Eight columns at a time in two vectors, one lane a column: lanes past cout sum whatever follows a row
  ;; (the caller leaves 8 floats of slack after dy) and are not stored.
  (func (export "colsum") (param $dy i32) (param $rows i32) (param $cout i32) (param $out i32)
    (local $j i32) (local $r i32) (local $a i32) (local $stride i32) (local $acc0 v128) (local $acc1 v128)
    (local.set $stride (i32.shl (local.get $cout) (i32.const 2)))
    (block $jdone (loop $jl
      (br_if $jdone (i32.ge_u (local.get $j) (local.get $cout)))
      (local.set $acc0 (v128.const f32x4 0 0 0 0))
      (local.set $acc1 (local.get $acc0))
      (local.set $a (i32.add (local.get $dy) (i32.shl (local.get $j) (i32.const 2))))
      (local.set $r (i32.const 0))
      (block $rdone (loop $rl
        (br_if $rdone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $acc0 (f32x4.add (local.get $acc0) (v128.load (local.get $a))))
        (local.set $acc1 (f32x4.add (local.get $acc1) (v128.load offset=16 (local.get $a))))
        (local.set $a (i32.add (local.get $a) (local.get $stride)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rl)))
      (call $store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))) (local.get $acc0) (i32.sub (local.get $cout) (local.get $j)))
      (call $store (i32.add (local.get $out) (i32.shl (i32.add (local.get $j) (i32.const 4)) (i32.const 2))) (local.get $acc1) (i32.sub (local.get $cout) (i32.add (local.get $j) (i32.const 4))))
      (local.set $j (i32.add (local.get $j) (i32.const 8)))
      (br $jl))))

  ;; Max pooling: size x size windows at stride size, 'valid'; x is NHWC (n, h, w, c), the pooled p is
  ;; (n, oh, ow, c). m is the x-shaped mask of each window's first maximum: 1 at it, 0 elsewhere, in window
  ;; order (rows, then columns; a later element wins only if greater, so NaN never does). Each walks the
  ;; windows of samples [s0, s1), four channels at a time (with fewer than four, one at a time).
  ;; m = the mask of x's first maxima (m zeroed by the caller: elements in no window stay 0). The window
  ;; position k of the maximum is tracked per lane, then the window is walked again to write 1 at it.
  (func (export "poolmask") (param $x i32) (param $m i32) (param $h i32) (param $w i32) (param $c i32)
    (param $size i32) (param $oh i32) (param $ow i32) (param $relu i32) (param $s0 i32) (param $s1 i32)
    (local $s i32) (local $oy i32) (local $ox i32) (local $ch i32) (local $base i32) (local $pa i32) (local $rowb i32) (local $bk v128) (local $bks i32)
    (local.set $rowb (i32.shl (i32.mul (local.get $w) (local.get $c)) (i32.const 2)))
    (local.set $s (local.get $s0))
    (block $sdone (loop $sl
      (br_if $sdone (i32.ge_u (local.get $s) (local.get $s1)))
      (local.set $oy (i32.const 0))
      (block $ydone (loop $yl
        (br_if $ydone (i32.ge_u (local.get $oy) (local.get $oh)))
        (local.set $ox (i32.const 0))
        (block $xdone (loop $xl
          (br_if $xdone (i32.ge_u (local.get $ox) (local.get $ow)))
          ;; Byte offsets of the window's first element (channel 0) and of the pooled element.
          (local.set $base (i32.shl (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $s) (local.get $h)) (i32.mul (local.get $oy) (local.get $size))) (local.get $w))
                                                      (i32.mul (local.get $ox) (local.get $size))) (local.get $c)) (i32.const 2)))
          (local.set $pa (i32.shl (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $s) (local.get $oh)) (local.get $oy)) (local.get $ow)) (local.get $ox)) (local.get $c)) (i32.const 2)))
          (local.set $ch (i32.const 0))
          (block $c4done (loop $c4
            (br_if $c4done (i32.ge_u (local.get $ch) (local.get $c)))
            (br_if $c4done (i32.lt_u (local.get $c) (i32.const 4)))
            ;; Past the last whole group of four, the last four channels again (each result is stored,
            ;; not added, so channels done twice come out the same).
            (if (i32.gt_u (i32.add (local.get $ch) (i32.const 4)) (local.get $c))
              (then
                (local.set $base (i32.sub (local.get $base) (i32.shl (i32.sub (i32.add (local.get $ch) (i32.const 4)) (local.get $c)) (i32.const 2))))
                (local.set $pa (i32.sub (local.get $pa) (i32.shl (i32.sub (i32.add (local.get $ch) (i32.const 4)) (local.get $c)) (i32.const 2))))
                (local.set $ch (i32.sub (local.get $c) (i32.const 4)))))
            (local.set $bk (call $argmax4 (local.get $x) (local.get $base) (local.get $rowb) (local.get $c) (local.get $size) (local.get $relu)))
            (call $maskat (local.get $m) (local.get $base) (local.get $rowb) (local.get $c) (local.get $size) (local.get $bk))
            (local.set $base (i32.add (local.get $base) (i32.const 16)))
            (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
            (local.set $ch (i32.add (local.get $ch) (i32.const 4)))
            (br $c4)))
          (block $c1done (loop $c1
            (br_if $c1done (i32.ge_u (local.get $ch) (local.get $c)))
            (local.set $bks (call $argmax1 (local.get $x) (local.get $base) (local.get $rowb) (local.get $c) (local.get $size) (local.get $relu)))
            (call $maskat1 (local.get $m) (local.get $base) (local.get $rowb) (local.get $c) (local.get $size) (local.get $bks))
            (local.set $base (i32.add (local.get $base) (i32.const 4)))
            (local.set $pa (i32.add (local.get $pa) (i32.const 4)))
            (local.set $ch (i32.add (local.get $ch) (i32.const 1)))
            (br $c1)))
          (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
          (br $xl)))
        (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
        (br $yl)))
      (local.set $s (i32.add (local.get $s) (i32.const 1)))
      (br $sl))))

  ;; g = m * (p repeated over each window), m the mask of x's first maxima (see poolmask), in one pass: each
  ;; window's maximum is found, then the window is walked again writing 1 * p at it and 0 * p elsewhere (the
  ;; mask product's bits: -0 for a negative p, NaN for NaN). g's elements in no window are the caller's.
  (func (export "poolgrad") (param $p i32) (param $x i32) (param $g i32) (param $h i32) (param $w i32) (param $c i32)
    (param $size i32) (param $oh i32) (param $ow i32) (param $relu i32) (param $s0 i32) (param $s1 i32)
    (local $s i32) (local $oy i32) (local $ox i32) (local $ch i32) (local $dy i32) (local $dx i32) (local $k i32)
    (local $base i32) (local $pa i32) (local $e i32) (local $rowb i32) (local $bk v128) (local $v v128) (local $gt v128)
    (local $bks i32) (local $vs f32) (local $xs f32) (local $o v128)
    (local.set $rowb (i32.shl (i32.mul (local.get $w) (local.get $c)) (i32.const 2)))
    (local.set $s (local.get $s0))
    (block $sdone (loop $sl
      (br_if $sdone (i32.ge_u (local.get $s) (local.get $s1)))
      (local.set $oy (i32.const 0))
      (block $ydone (loop $yl
        (br_if $ydone (i32.ge_u (local.get $oy) (local.get $oh)))
        (local.set $ox (i32.const 0))
        (block $xdone (loop $xl
          (br_if $xdone (i32.ge_u (local.get $ox) (local.get $ow)))
          ;; Byte offsets of the window's first element (channel 0) and of the pooled element.
          (local.set $base (i32.shl (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $s) (local.get $h)) (i32.mul (local.get $oy) (local.get $size))) (local.get $w))
                                                      (i32.mul (local.get $ox) (local.get $size))) (local.get $c)) (i32.const 2)))
          (local.set $pa (i32.shl (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $s) (local.get $oh)) (local.get $oy)) (local.get $ow)) (local.get $ox)) (local.get $c)) (i32.const 2)))
          (local.set $ch (i32.const 0))
          (block $c4done (loop $c4
            (br_if $c4done (i32.ge_u (local.get $ch) (local.get $c)))
            (br_if $c4done (i32.lt_u (local.get $c) (i32.const 4)))
            ;; Past the last whole group of four, the last four channels again (stored, not added).
            (if (i32.gt_u (i32.add (local.get $ch) (i32.const 4)) (local.get $c))
              (then
                (local.set $base (i32.sub (local.get $base) (i32.shl (i32.sub (i32.add (local.get $ch) (i32.const 4)) (local.get $c)) (i32.const 2))))
                (local.set $pa (i32.sub (local.get $pa) (i32.shl (i32.sub (i32.add (local.get $ch) (i32.const 4)) (local.get $c)) (i32.const 2))))
                (local.set $ch (i32.sub (local.get $c) (i32.const 4)))))
            (local.set $bk (call $argmax4 (local.get $x) (local.get $base) (local.get $rowb) (local.get $c) (local.get $size) (local.get $relu)))
            (local.set $v (v128.load (i32.add (local.get $p) (local.get $pa))))
            (local.set $k (i32.const 0))
            (local.set $dy (i32.const 0))
            (loop $dyw
              (local.set $e (i32.add (local.get $base) (i32.mul (local.get $dy) (local.get $rowb))))
              (local.set $dx (i32.const 0))
              (loop $dxw
                (local.set $o (f32x4.mul (v128.and (i32x4.eq (local.get $bk) (i32x4.splat (local.get $k))) (v128.const f32x4 1 1 1 1)) (local.get $v)))
                (if (local.get $relu)
                  (then
                    ;; step4, inlined (the hot loop): o * step(y).
                    (local.set $gt (v128.load (i32.add (local.get $x) (local.get $e))))
                    (local.set $o (f32x4.mul (local.get $o)
                      (v128.bitselect (v128.const f32x4 nan nan nan nan)
                        (v128.and (f32x4.gt (local.get $gt) (v128.const f32x4 0 0 0 0)) (v128.const f32x4 1 1 1 1))
                        (f32x4.ne (local.get $gt) (local.get $gt)))))))
                (v128.store (i32.add (local.get $g) (local.get $e)) (local.get $o))
                (local.set $e (i32.add (local.get $e) (i32.shl (local.get $c) (i32.const 2))))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (local.set $dx (i32.add (local.get $dx) (i32.const 1)))
                (br_if $dxw (i32.lt_u (local.get $dx) (local.get $size))))
              (local.set $dy (i32.add (local.get $dy) (i32.const 1)))
              (br_if $dyw (i32.lt_u (local.get $dy) (local.get $size))))
            (local.set $base (i32.add (local.get $base) (i32.const 16)))
            (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
            (local.set $ch (i32.add (local.get $ch) (i32.const 4)))
            (br $c4)))
          (block $c1done (loop $c1
            (br_if $c1done (i32.ge_u (local.get $ch) (local.get $c)))
            (local.set $bks (call $argmax1 (local.get $x) (local.get $base) (local.get $rowb) (local.get $c) (local.get $size) (local.get $relu)))
            (local.set $vs (f32.load (i32.add (local.get $p) (local.get $pa))))
            (local.set $k (i32.const 0))
            (local.set $dy (i32.const 0))
            (loop $dyw1
              (local.set $e (i32.add (local.get $base) (i32.mul (local.get $dy) (local.get $rowb))))
              (local.set $dx (i32.const 0))
              (loop $dxw1
                (local.set $xs (f32.mul (select (f32.const 1) (f32.const 0) (i32.eq (local.get $k) (local.get $bks))) (local.get $vs)))
                (if (local.get $relu) (then (local.set $xs (f32.mul (local.get $xs) (call $step1 (f32.load (i32.add (local.get $x) (local.get $e))))))))
                (f32.store (i32.add (local.get $g) (local.get $e)) (local.get $xs))
                (local.set $e (i32.add (local.get $e) (i32.shl (local.get $c) (i32.const 2))))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (local.set $dx (i32.add (local.get $dx) (i32.const 1)))
                (br_if $dxw1 (i32.lt_u (local.get $dx) (local.get $size))))
              (local.set $dy (i32.add (local.get $dy) (i32.const 1)))
              (br_if $dyw1 (i32.lt_u (local.get $dy) (local.get $size))))
            (local.set $base (i32.add (local.get $base) (i32.const 4)))
            (local.set $pa (i32.add (local.get $pa) (i32.const 4)))
            (local.set $ch (i32.add (local.get $ch) (i32.const 1)))
            (br $c1)))
          (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
          (br $xl)))
        (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
        (br $yl)))
      (local.set $s (i32.add (local.get $s) (i32.const 1)))
      (br $sl))))

  ;; p = +0 + the sum over each window, in window order, of m * x (the adjoint of poolgrad); with relu, of
  ;; m * (x * step(y)), m the mask of relu(y).
  (func (export "poolgather") (param $x i32) (param $m i32) (param $p i32) (param $y i32) (param $h i32) (param $w i32) (param $c i32)
    (param $size i32) (param $oh i32) (param $ow i32) (param $relu i32) (param $s0 i32) (param $s1 i32)
    (local $s i32) (local $oy i32) (local $ox i32) (local $ch i32) (local $dy i32) (local $dx i32) (local $k i32)
    (local $base i32) (local $pa i32) (local $e i32) (local $rowb i32) (local $acc v128) (local $accs f32) (local $v v128) (local $xs f32)
    (local.set $rowb (i32.shl (i32.mul (local.get $w) (local.get $c)) (i32.const 2)))
    (local.set $s (local.get $s0))
    (block $sdone (loop $sl
      (br_if $sdone (i32.ge_u (local.get $s) (local.get $s1)))
      (local.set $oy (i32.const 0))
      (block $ydone (loop $yl
        (br_if $ydone (i32.ge_u (local.get $oy) (local.get $oh)))
        (local.set $ox (i32.const 0))
        (block $xdone (loop $xl
          (br_if $xdone (i32.ge_u (local.get $ox) (local.get $ow)))
          ;; Byte offsets of the window's first element (channel 0) and of the pooled element.
          (local.set $base (i32.shl (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $s) (local.get $h)) (i32.mul (local.get $oy) (local.get $size))) (local.get $w))
                                                      (i32.mul (local.get $ox) (local.get $size))) (local.get $c)) (i32.const 2)))
          (local.set $pa (i32.shl (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $s) (local.get $oh)) (local.get $oy)) (local.get $ow)) (local.get $ox)) (local.get $c)) (i32.const 2)))
          (local.set $ch (i32.const 0))
          (block $c4done (loop $c4
            (br_if $c4done (i32.ge_u (local.get $ch) (local.get $c)))
            (br_if $c4done (i32.lt_u (local.get $c) (i32.const 4)))
            ;; Past the last whole group of four, the last four channels again (each result is stored,
            ;; not added, so channels done twice come out the same).
            (if (i32.gt_u (i32.add (local.get $ch) (i32.const 4)) (local.get $c))
              (then
                (local.set $base (i32.sub (local.get $base) (i32.shl (i32.sub (i32.add (local.get $ch) (i32.const 4)) (local.get $c)) (i32.const 2))))
                (local.set $pa (i32.sub (local.get $pa) (i32.shl (i32.sub (i32.add (local.get $ch) (i32.const 4)) (local.get $c)) (i32.const 2))))
                (local.set $ch (i32.sub (local.get $c) (i32.const 4)))))
            (local.set $acc (v128.const f32x4 0 0 0 0))
            (local.set $k (i32.const 0))
            (local.set $dy (i32.const 0))
            (loop $dyl
              (local.set $e (i32.add (local.get $base) (i32.mul (local.get $dy) (local.get $rowb))))
              (local.set $dx (i32.const 0))
              (loop $dxl
                (local.set $v (v128.load (i32.add (local.get $x) (local.get $e))))
                (if (local.get $relu) (then (local.set $v (f32x4.mul (local.get $v) (call $step4 (v128.load (i32.add (local.get $y) (local.get $e))))))))
                (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (v128.load (i32.add (local.get $m) (local.get $e))) (local.get $v))))
                (local.set $e (i32.add (local.get $e) (i32.shl (local.get $c) (i32.const 2))))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (local.set $dx (i32.add (local.get $dx) (i32.const 1)))
                (br_if $dxl (i32.lt_u (local.get $dx) (local.get $size))))
              (local.set $dy (i32.add (local.get $dy) (i32.const 1)))
              (br_if $dyl (i32.lt_u (local.get $dy) (local.get $size))))
            (v128.store (i32.add (local.get $p) (local.get $pa)) (local.get $acc))
            (local.set $base (i32.add (local.get $base) (i32.const 16)))
            (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
            (local.set $ch (i32.add (local.get $ch) (i32.const 4)))
            (br $c4)))
          (block $c1done (loop $c1
            (br_if $c1done (i32.ge_u (local.get $ch) (local.get $c)))
            (local.set $accs (f32.const 0))
            (local.set $k (i32.const 0))
            (local.set $dy (i32.const 0))
            (loop $dyl1
              (local.set $e (i32.add (local.get $base) (i32.mul (local.get $dy) (local.get $rowb))))
              (local.set $dx (i32.const 0))
              (loop $dxl1
                (local.set $xs (f32.load (i32.add (local.get $x) (local.get $e))))
                (if (local.get $relu) (then (local.set $xs (f32.mul (local.get $xs) (call $step1 (f32.load (i32.add (local.get $y) (local.get $e))))))))
                (local.set $accs (f32.add (local.get $accs) (f32.mul (f32.load (i32.add (local.get $m) (local.get $e))) (local.get $xs))))
                (local.set $e (i32.add (local.get $e) (i32.shl (local.get $c) (i32.const 2))))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (local.set $dx (i32.add (local.get $dx) (i32.const 1)))
                (br_if $dxl1 (i32.lt_u (local.get $dx) (local.get $size))))
              (local.set $dy (i32.add (local.get $dy) (i32.const 1)))
              (br_if $dyl1 (i32.lt_u (local.get $dy) (local.get $size))))
            (f32.store (i32.add (local.get $p) (local.get $pa)) (local.get $accs))
            (local.set $base (i32.add (local.get $base) (i32.const 4)))
            (local.set $pa (i32.add (local.get $pa) (i32.const 4)))
            (local.set $ch (i32.add (local.get $ch) (i32.const 1)))
            (br $c1)))
          (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
          (br $xl)))
        (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
        (br $yl)))
      (local.set $s (i32.add (local.get $s) (i32.const 1)))
      (br $sl))))

  ;; Where in its window (0 .. size*size - 1, rows then columns) the first maximum of each of four channels
  ;; lies, the window's first element at byte offset base of x, compared on relu(x) with $relu (a later
  ;; element wins only if greater, so NaN never does); argmax1: the same for one channel.
  (func $argmax4 (param $x i32) (param $base i32) (param $rowb i32) (param $c i32) (param $size i32) (param $relu i32) (result v128)
    (local $k i32) (local $dy i32) (local $dx i32) (local $e i32) (local $best v128) (local $bk v128) (local $v v128) (local $gt v128)
    (local.set $v (v128.load (i32.add (local.get $x) (local.get $base))))
    (if (local.get $relu) (then (local.set $v (i32x4.max_s (local.get $v) (v128.const i32x4 0 0 0 0)))))
    (local.set $best (local.get $v))
    (local.set $bk (v128.const i32x4 0 0 0 0))
    (local.set $k (i32.const 0))
    (local.set $dy (i32.const 0))
    (loop $dyl
      (local.set $e (i32.add (local.get $base) (i32.mul (local.get $dy) (local.get $rowb))))
      (local.set $dx (i32.const 0))
      (loop $dxl
        (local.set $v (v128.load (i32.add (local.get $x) (local.get $e))))
        (if (local.get $relu) (then (local.set $v (i32x4.max_s (local.get $v) (v128.const i32x4 0 0 0 0)))))
        (local.set $gt (f32x4.gt (local.get $v) (local.get $best)))
        (local.set $best (v128.bitselect (local.get $v) (local.get $best) (local.get $gt)))
        (local.set $bk (v128.bitselect (i32x4.splat (local.get $k)) (local.get $bk) (local.get $gt)))
        (local.set $e (i32.add (local.get $e) (i32.shl (local.get $c) (i32.const 2))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (local.set $dx (i32.add (local.get $dx) (i32.const 1)))
        (br_if $dxl (i32.lt_u (local.get $dx) (local.get $size))))
      (local.set $dy (i32.add (local.get $dy) (i32.const 1)))
      (br_if $dyl (i32.lt_u (local.get $dy) (local.get $size))))
    (local.get $bk))
  (func $argmax1 (param $x i32) (param $base i32) (param $rowb i32) (param $c i32) (param $size i32) (param $relu i32) (result i32)
    (local $k i32) (local $dy i32) (local $dx i32) (local $e i32) (local $bs f32) (local $bks i32) (local $xs f32)
    (local.set $bs (call $relu1 (f32.load (i32.add (local.get $x) (local.get $base))) (local.get $relu)))
    (local.set $bks (i32.const 0))
    (local.set $k (i32.const 0))
    (local.set $dy (i32.const 0))
    (loop $dyl1
      (local.set $e (i32.add (local.get $base) (i32.mul (local.get $dy) (local.get $rowb))))
      (local.set $dx (i32.const 0))
      (loop $dxl1
        (local.set $xs (call $relu1 (f32.load (i32.add (local.get $x) (local.get $e))) (local.get $relu)))
        (if (f32.gt (local.get $xs) (local.get $bs))
          (then (local.set $bs (local.get $xs)) (local.set $bks (local.get $k))))
        (local.set $e (i32.add (local.get $e) (i32.shl (local.get $c) (i32.const 2))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (local.set $dx (i32.add (local.get $dx) (i32.const 1)))
        (br_if $dxl1 (i32.lt_u (local.get $dx) (local.get $size))))
      (local.set $dy (i32.add (local.get $dy) (i32.const 1)))
      (br_if $dyl1 (i32.lt_u (local.get $dy) (local.get $size))))
    (local.get $bks))

  ;; ReLU fused before the pooling ($relu = 1): the pooled input is the pre-activation y, windows are
  ;; compared on relu(y) as the wasm backend computes it (an integer max with 0: every value with the sign
  ;; bit set, -0 and negative NaNs too, becomes +0), and the gradient is multiplied by step(y) after the mask
  ;; product, as ReLU's gradient dy * step(y) is (step: 1 above 0, NaN for NaN, else 0).
  (func $relu1 (param $v f32) (param $relu i32) (result f32)
    (if (result f32) (i32.and (local.get $relu) (i32.lt_s (i32.reinterpret_f32 (local.get $v)) (i32.const 0)))
      (then (f32.const 0)) (else (local.get $v))))
  (func $step1 (param $v f32) (result f32)
    (select (f32.const 1) (select (f32.const nan) (f32.const 0) (f32.ne (local.get $v) (local.get $v))) (f32.gt (local.get $v) (f32.const 0))))
  (func $step4 (param $v v128) (result v128)
    (v128.bitselect (v128.const f32x4 nan nan nan nan)
      (v128.and (f32x4.gt (local.get $v) (v128.const f32x4 0 0 0 0)) (v128.const f32x4 1 1 1 1))
      (f32x4.ne (local.get $v) (local.get $v))))

  ;; Writes 1 at the window positions k where bk (per lane) = k, over a window from byte offset base.
  (func $maskat (param $m i32) (param $base i32) (param $rowb i32) (param $c i32) (param $size i32) (param $bk v128)
    (local $dy i32) (local $dx i32) (local $k i32) (local $e i32)
    (loop $dyl
      (local.set $e (i32.add (local.get $base) (i32.mul (local.get $dy) (local.get $rowb))))
      (local.set $dx (i32.const 0))
      (loop $dxl
        (v128.store (i32.add (local.get $m) (local.get $e)) (v128.and (i32x4.eq (local.get $bk) (i32x4.splat (local.get $k))) (v128.const f32x4 1 1 1 1)))
        (local.set $e (i32.add (local.get $e) (i32.shl (local.get $c) (i32.const 2))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (local.set $dx (i32.add (local.get $dx) (i32.const 1)))
        (br_if $dxl (i32.lt_u (local.get $dx) (local.get $size))))
      (local.set $dy (i32.add (local.get $dy) (i32.const 1)))
      (br_if $dyl (i32.lt_u (local.get $dy) (local.get $size)))))

  ;; The same for one channel: 1 at position bk of the window (the caller zeroed the mask).
  (func $maskat1 (param $m i32) (param $base i32) (param $rowb i32) (param $c i32) (param $size i32) (param $bk i32)
    (f32.store (i32.add (local.get $m) (i32.add (local.get $base)
      (i32.add (i32.mul (i32.div_u (local.get $bk) (local.get $size)) (local.get $rowb))
               (i32.shl (i32.mul (i32.rem_u (local.get $bk) (local.get $size)) (local.get $c)) (i32.const 2)))))
      (f32.const 1)))
)
