package analyze

import (
	"math"
	"math/bits"
)

// tally counts one session's values that a Dist would hash (decimals such
// as video bitrates and MOS), until flush adds them to the Dist. A fleet
// group's hash tables grow past the CPU caches, while one session's values
// fit in them and repeat: counting them here first turns one scattered
// insert per value into one per distinct value per session.
type tally struct {
	slots []slot
	used  []uint32 // the indexes of slots in use, in order of first use
}

func (t *tally) add(v float64) {
	if len(t.used)*2 >= len(t.slots) {
		t.grow()
	}
	k := math.Float64bits(v)
	mask := uint64(len(t.slots) - 1)
	i := (k * 0x9e3779b97f4a7c15) >> (64 - bits.Len64(mask))
	for {
		s := &t.slots[i&mask]
		switch s.key {
		case k:
			s.count++
			return
		case 0:
			s.key, s.count = k, 1
			t.used = append(t.used, uint32(i&mask))
			return
		}
		i++
	}
}

// grow doubles the table, placing the values again.
func (t *tally) grow() {
	old, oldUsed := t.slots, t.used
	t.slots = make([]slot, max(64, 2*len(old)))
	t.used = make([]uint32, 0, len(t.slots)/2)
	mask := uint64(len(t.slots) - 1)
	for _, j := range oldUsed {
		s := old[j]
		i := (s.key * 0x9e3779b97f4a7c15) >> (64 - bits.Len64(mask))
		for t.slots[i&mask].key != 0 {
			i++
		}
		t.slots[i&mask] = s
		t.used = append(t.used, uint32(i&mask))
	}
}

// flush adds the counted values to d and empties the tally.
func (t *tally) flush(d *Dist) {
	for _, i := range t.used {
		s := &t.slots[i]
		d.addHashed(s.key, s.count)
		*s = slot{}
	}
	t.used = t.used[:0]
}
