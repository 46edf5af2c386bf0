#!/usr/bin/env python3
"""Unit checks of accuracy.py's pre- and post-processing and figures, on
synthetic data (no models, no tools; about a second).

    accuracy_selftest.py

Exit status 1 on a failure. Registered in ctest as `accuracy-selftest`.
"""
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import accuracy as A  # noqa: E402

failures = []


def check(what, cond):
    print('%-60s %s' % (what, 'ok' if cond else 'FAILED'))
    if not cond:
        failures.append(what)


def main():
    # DB post-processing: two text bars on a 640x640 map of a 320x160 page.
    prob = np.zeros((640, 640), np.float32)
    prob[100:140, 40:600] = 0.9
    prob[300:340, 60:400] = 0.95
    prob[500:502, 10:12] = 0.99  # too small: dropped
    boxes = A.db_boxes(prob, 320, 160)
    check('db_boxes: two boxes, small blob dropped', len(boxes) == 2)
    if len(boxes) == 2:
        b0, b1 = boxes
        check('db_boxes: sorted top to bottom', b0[0][1] < b1[0][1])
        # unclipped (ratio 1.5) around x 20..300, y 25..35 of the page
        check('db_boxes: first box covers its bar, scaled to the page',
              b0[:, 0].min() <= 20 and b0[:, 0].max() >= 299 and
              b0[:, 1].min() <= 25 and b0[:, 1].max() >= 34 and b0[:, 1].max() <= 45)
    low = np.where(prob > 0, 0.5, 0).astype(np.float32)  # above 0.3, box score < 0.6
    check('db_boxes: box score below 0.6 dropped', A.db_boxes(low, 320, 160) == [])

    # Rotated crop of an axis-aligned box, and a tall one turned.
    img = np.full((100, 200, 3), 255, np.uint8)
    crop = A.rotate_crop(img, np.array([[10, 10], [110, 10], [110, 30], [10, 30]]))
    check('rotate_crop: 100x20 box -> 20x100 crop', crop.shape[:2] == (20, 100))
    tall = A.rotate_crop(img, np.array([[10, 10], [30, 10], [30, 90], [10, 90]]))
    check('rotate_crop: tall box rotated', tall.shape[:2] == (20, 80))

    # Recogniser pieces: a line 48 high and 1000 wide after resizing.
    line = np.full((24, 500, 3), 255, np.uint8)
    for x in range(0, 500, 40):
        line[4:20, x:x + 30] = 0  # "words" 30 wide, gaps of 10
    pieces = A.rec_pieces(line)
    check('rec_pieces: 1000 columns -> 4 pieces of 48x320', len(pieces) == 4 and
          all(p.shape == (3, 48, 320) for p in pieces))
    widths = [int((np.abs(p).sum(axis=(0, 1)) > 0).sum()) for p in pieces]
    check('rec_pieces: the pieces hold every column once', sum(widths) == 1000)
    check('rec_pieces: cuts fall in gaps (bright columns)',
          all(p[:, 8:40, w - 1].min() > 0.9 for p, w in zip(pieces[:-1], widths[:-1])))
    short = A.rec_pieces(line[:, :100])
    check('rec_pieces: a short line is one padded piece',
          len(short) == 1 and np.all(short[0][:, :, 200:] == 0))
    norm = A.resize_norm(line, A.CLS_W)
    check('resize_norm: 48x192, white -> 1, padding 0',
          norm.shape == (3, 48, 192) and norm[0, 0, 0] == 1.0)

    # CTC decoding and the OCR figures.
    keys = ['<blank>', 'a', 'b', ' ']
    probs = np.eye(4)[[1, 1, 0, 1, 2, 2, 3, 0]]
    check('ctc_decode: repeats merged, blanks dropped', A.ctc_decode(probs, keys) == 'aab ')
    soft = probs * 0.5 + 0.125
    text, conf = A.ctc_decode_conf(soft, keys)
    check('ctc_decode_conf: one probability per character',
          text == 'aab ' and conf == [0.625] * 4)
    check('line_score: the mean, 0 for an empty line',
          A.line_score([0.25, 0.75]) == 0.5 and A.line_score([]) == 0.0)
    check('edit_distance', A.edit_distance('kitten', 'sitting') == 3 and
          A.edit_distance('', 'abc') == 3)
    box = lambda x, y: np.array([[x, y], [x + 50, y], [x + 50, y + 10], [x, y + 10]])  # noqa
    shape = (100, 100, 3)
    ref = [(shape, [(box(0, 0), 'hello'), (box(0, 30), 'world'), (box(0, 60), 'gone')])]
    got = [[(box(1, 31), 'word'), (box(0, 1), 'hello'), (box(40, 80), 'extra')]]
    f = A.ocr_figures(ref, got)
    # matched: hello == hello, world -> word (1 edit); gone unmatched (4);
    # extra unmatched (5): 10 edits over 14 characters; 1 of 4 lines same.
    check('ocr_figures: lines and CER', f['ocr_lines'] == 4 and
          f['ocr_lines_same_pct'] == 25.0 and abs(f['ocr_cer_pct'] - 100.0 * 10 / 14) < 1e-9)
    same = A.ocr_figures(ref, [ref[0][1]])
    check('ocr_figures: identical -> 100 %, CER 0',
          same['ocr_lines_same_pct'] == 100.0 and same['ocr_cer_pct'] == 0.0)
    ns = A.ocr_figures([(shape, [(box(0, 0), 'a b')])], [[(box(0, 0), 'ab')]])
    check('ocr_figures: a space alone counts in CER, not without spaces',
          ns['ocr_cer_pct'] > 0 and ns['ocr_cer_nospace_pct'] == 0.0)
    check('ocr_figures: a line differing in a space alone is the same without spaces',
          ns['ocr_lines_same_pct'] == 0.0 and ns['ocr_lines_same_nospace_pct'] == 100.0)

    # Detector and wake-word figures.
    r = np.zeros((2, 10, 10), np.float32)
    r[0, :5] = 0.9
    g = r.copy()
    g[0, 4] = 0.1
    d = A.det_figures(r, g)
    check('det_figures: IoU 40/50 pooled, empty page ignored in the worst',
          abs(d['det_mask_iou'] - 0.8) < 1e-9 and abs(d['det_mask_iou_min'] - 0.8) < 1e-9)
    o = A.oww_figures({'c': np.array([0.1, 0.6, 0.9])}, {'c': np.array([0.12, 0.4, 0.9])}, 'x_')
    check('oww_figures: max difference and differing detections',
          abs(o['x_max_score_diff'] - 0.2) < 1e-9 and o['x_detection_diff_frames'] == 1)
    n = A.oww_figures({'c': np.array([0.1])}, {'c': np.array([math.nan])}, 'x_')
    check('oww_figures: NaN scores give NaN', math.isnan(n['x_max_score_diff']))

    # Streaming windows.
    audio = np.arange(3 * A.FRAME, dtype=np.int16)
    frames = A.mel_frames(audio)
    check('mel_frames: one 1760-sample window per 1280 frame, zeros before',
          frames.shape == (3, 1760) and frames[0, 479] == 0 and frames[0, 480] == 0 and
          frames[2, -1] == 3 * A.FRAME - 1)
    mel = np.arange(3 * 8 * 32, dtype=np.float32).reshape(3, 1, 8, 32)
    w = A.emb_windows(mel)
    check('emb_windows: last 76 mel frames, ones before, scaled x/10+2',
          w.shape == (3, 76, 32, 1) and w[0, 0, 0, 0] == 1.0 and
          w[2, -1, -1, 0] == np.float32(mel[2, 0, 7, 31] / 10 + 2))
    e = np.arange(20 * 96, dtype=np.float32).reshape(20, 1, 1, 96)
    h = A.head_windows(e)
    check('head_windows: last 16 embeddings per frame from the 16th',
          h.shape == (5, 16, 96) and h[0, 0, 0] == 0 and h[-1, -1, -1] == e[-1].ravel()[-1])

    page = A.rendered_page(*A.RENDERED_PAGES[0])
    again = A.rendered_page(*A.RENDERED_PAGES[0])
    check('rendered_page: print on white, 14 lines, the same pixels twice',
          page.ndim == 3 and page.shape[2] == 3 and page.shape[1] == A.RENDERED_PAGES[0][2] and
          np.array_equal(page, again) and page.min() < 64 and np.median(page) == 255 and
          (page.min(axis=(1, 2)) < 128).sum() >= 14 * 5)
    # Tight spacing: more words on a line, wrapped and drawn within the
    # margins (the words of a line wrapped at one spacing and drawn at
    # another would cross the right margin).
    font, size, width, first = A.RENDERED_PAGES[0][:4]
    normal_lines = A.page_layout(font, size, width, first)[1]
    tight_lines = A.page_layout(font, size, width, first, 0.4)[1]
    tight = A.rendered_page(font, size, width, first, 0.4)
    check('rendered_page: tight spacing fits more words per line, within the margins',
          len(tight_lines[0]) > len(normal_lines[0]) and
          all(p[:, :size - 2].min() > 200 and p[:, width - size + 2:].min() > 200
              for p in (page, tight)) and
          (tight[:, width - 3 * size:width - size].min(axis=(0, 2)) < 128).sum() > 0)
    # Configurations -> npu-compile options, per model.
    check('config_args: mixed-task reads each model\'s target',
          A.config_args('mixed-task', 'rec')[-1] == 'top1=0.999' and
          A.config_args('mixed-task', 'det')[-1] == 'cos=0.99' and
          set(A.MIXED_TASK_TARGETS) == {'det', 'cls', 'rec', 'mel', 'emb', 'head'})
    check('config_args: mixed, mixed-top10.999, int8-M, fp16',
          A.config_args('mixed', 'emb') == A.MIXED_ARGS and
          A.config_args('mixed-top10.999', 'cls')[-1] == 'top1=0.999' and
          A.config_args('int8-mse', 'det')[-1] == 'mse' and
          A.config_args('fp16', 'det') == ['--precision', 'fp16'])
    try:
        A.config_args('mixed-sqnr30', 'det')
        check('config_args: an unknown target is refused', False)
    except SystemExit:
        check('config_args: an unknown target is refused', True)

    if failures:
        print('FAILED: %d checks' % len(failures))
        return 1
    print('all accuracy.py checks passed')
    return 0


if __name__ == '__main__':
    sys.exit(main())
