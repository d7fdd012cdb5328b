#!/usr/bin/env bash
# Regenerates the Vietnamese announcement clips in assets/sounds/vi/ (offline, reproducible).
#
#   apt-get install -y espeak-ng sox bc
#   scripts/make_voice_clips.sh [OUT_DIR]
#
# Voice: espeak-ng's Vietnamese (Northern) voice, spoken a little slower than its default
# because the clips go through a TV's speakers in an echoing hall. Each clip is trimmed of
# leading/trailing silence, given a short fixed pad (so clips played back to back sound like
# words of one sentence), normalised and written as mono 16-bit 22.05 kHz WAV: QSoundEffect
# plays WAV directly, and Qt's FFmpeg backend here decodes no Vorbis, so no Ogg.
#
# The names are the contract with kiosk/announce (CLIPS there). A recorded human voice can
# replace any file one for one: same name, any WAV that QSoundEffect plays (mono 16-bit PCM
# is safest), trimmed the same way.
set -euo pipefail

OUT="${1:-$(cd "$(dirname "$0")/.." && pwd)/assets/sounds/vi}"
RATE=22050
SPEED=135   # words per minute; espeak-ng's default 175 is hurried over a loudspeaker
PITCH=45
VOICE=vi

for tool in espeak-ng sox bc; do
  command -v "$tool" >/dev/null || { echo "make_voice_clips: $tool is missing" >&2; exit 1; }
done
mkdir -p "$OUT"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# name|spoken text. Letters are spoken by their Vietnamese names, as a clerk reads a licence
# plate or a ticket aloud (B "bê", C "xê", K "ca" ...).
CLIPS=(
  "moi_cong_dan_co_so|Mời công dân có số"
  "den_quay_so|đến quầy số"
  "nhac_lai|Nhắc lại"
  "digit_0|không" "digit_1|một" "digit_2|hai" "digit_3|ba" "digit_4|bốn"
  "digit_5|năm" "digit_6|sáu" "digit_7|bảy" "digit_8|tám" "digit_9|chín"
  "num_muoi|mười"      # ten, alone or leading: mười, mười hai
  "num_muoi_tens|mươi" # the tens word after a digit: hai mươi
  "num_mot|mốt"        # one after mươi: hai mươi mốt
  "num_lam|lăm"        # five after mười/mươi: mười lăm, hai mươi lăm
  "num_tram|trăm"
  "num_linh|linh"      # zero tens: một trăm linh năm
  "letter_a|a" "letter_b|bê" "letter_c|xê" "letter_d|dê" "letter_dd|đê" "letter_e|e"
  "letter_f|ép"
  "letter_g|giê" "letter_h|hát" "letter_i|i" "letter_j|gi" "letter_k|ca" "letter_l|e lờ"
  "letter_m|em mờ" "letter_n|en nờ" "letter_o|o" "letter_p|pê" "letter_q|quy"
  "letter_r|e rờ" "letter_s|ét xì" "letter_t|tê" "letter_u|u" "letter_v|vê"
  "letter_w|vê kép" "letter_x|ích xì" "letter_y|i dài" "letter_z|dét"
)

for entry in "${CLIPS[@]}"; do
  name="${entry%%|*}"
  text="${entry#*|}"
  raw="$TMP/$name.raw.wav"
  espeak-ng -v "$VOICE" -s "$SPEED" -p "$PITCH" -w "$raw" "$text"
  # silence 1 ... reverse silence 1 ... reverse: cut the silence at both ends (0.1% threshold
  # keeps soft word endings); pad 0.02/0.09 s so a sequence breathes like one sentence.
  sox -R "$raw" "$TMP/$name.trim.wav" gain -3 highpass 80 \
    silence 1 0.01 0.1% reverse silence 1 0.01 0.1% reverse
  # A second pass: fade needs the trimmed length, which sox knows only once it is written.
  sox -R "$TMP/$name.trim.wav" -r "$RATE" -c 1 -b 16 "$OUT/$name.wav" \
    fade t 0.005 0 0.02 norm -1 pad 0.02 0.09
done

# The chime: a soft two-tone "ding-dong" (E5 then C5, a major third down) that turns heads
# before the words start. Each tone is a sine with a quieter octave and twelfth for a bell
# timbre and a smooth (half-sine) decay; the second tone rings longer to close the phrase.
tone() {  # tone FREQ SECONDS OUT
  local f="$1" len="$2" out="$3"
  sox -R -n -r "$RATE" -c 1 -b 16 "$TMP/p1.wav" synth "$len" sine "$f" vol 0.6
  sox -R -n -r "$RATE" -c 1 -b 16 "$TMP/p2.wav" synth "$len" sine "$(echo "$f*2" | bc -l)" vol 0.25
  sox -R -n -r "$RATE" -c 1 -b 16 "$TMP/p3.wav" synth "$len" sine "$(echo "$f*3" | bc -l)" vol 0.1
  sox -R -m "$TMP/p1.wav" "$TMP/p2.wav" "$TMP/p3.wav" "$out" fade h 0.008 0 "$(echo "$len-0.01" | bc -l)"
}
tone 659.26 0.55 "$TMP/ding.wav"
tone 523.25 0.85 "$TMP/dong.wav"
sox -R "$TMP/ding.wav" "$TMP/dong.wav" -r "$RATE" -c 1 -b 16 "$OUT/chime.wav" norm -4 pad 0 0.15

# Sanity check, since nobody listens on a build machine: every clip exists, is not silent and
# lasts a plausible time for what it says.
fail=0
for f in "$OUT"/*.wav; do
  len="$(soxi -D "$f")"
  rms="$(sox "$f" -n stat 2>&1 | awk '/RMS +amplitude/ {print $3}')"
  if awk -v l="$len" -v r="$rms" 'BEGIN { exit !(l < 0.15 || l > 3.0 || r < 0.02) }'; then
    echo "make_voice_clips: suspicious clip $f (length ${len}s, RMS $rms)" >&2
    fail=1
  fi
done
total="$(du -cb "$OUT"/*.wav | tail -1 | cut -f1)"
echo "make_voice_clips: $(ls "$OUT"/*.wav | wc -l) clips, $total bytes in $OUT"
exit "$fail"
