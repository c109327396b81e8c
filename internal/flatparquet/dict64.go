package flatparquet

// maxDict64 is the most distinct values a Timestamp or Double column chunk
// is dictionary-encoded with; past it, or past half its values, PLAIN is
// about as small and cheaper to read.
const maxDict64 = 1 << 16

// dict64 builds the dictionary of a column chunk's 8-byte values (a
// timestamp's, or a double's bits, so that -0 and 0 stay apart): an
// open-addressing table, cleared key by key between chunks, which costs a
// few nanoseconds a value where a Go map costs several times that.
type dict64 struct {
	slots  []slot64 // a power of two, at least twice maxDict64
	values []uint64 // in the order they came
}

type slot64 struct {
	key uint64
	id  int32 // index in values plus one; 0 for an empty slot
}

func (d *dict64) reset() {
	if d.slots == nil {
		d.slots = make([]slot64, 2*maxDict64)
	}
	mask := uint64(len(d.slots) - 1)
	for _, v := range d.values {
		for h := hash64(v) & mask; ; h = (h + 1) & mask {
			if d.slots[h].id != 0 && d.slots[h].key == v {
				d.slots[h] = slot64{}
				break
			}
		}
	}
	d.values = d.values[:0]
}

// build fills index with the dictionary index of each value and reports
// whether the dictionary stayed small enough to be worth it.
func (d *dict64) build(vals []uint64, index []int32) ([]int32, bool) {
	d.reset()
	index = index[:0]
	if len(vals) == 0 {
		return index, false
	}
	mask := uint64(len(d.slots) - 1)
	last, id := ^vals[0], int32(0)
	for _, v := range vals {
		if v != last { // values come in runs: a minute's streams, a session's rows
			h := hash64(v) & mask
			for {
				s := &d.slots[h]
				if s.id == 0 {
					if len(d.values) == maxDict64 {
						return index, false
					}
					d.values = append(d.values, v)
					*s = slot64{key: v, id: int32(len(d.values))}
					break
				}
				if s.key == v {
					break
				}
				h = (h + 1) & mask
			}
			id, last = d.slots[h].id-1, v
		}
		index = append(index, id)
	}
	return index, len(d.values) <= len(vals)/2
}

// hash64 mixes a value's bits (the finaliser of SplitMix64), so that
// numbers that differ only in their high bits, as doubles do, spread out.
func hash64(v uint64) uint64 {
	v ^= v >> 30
	v *= 0xbf58476d1ce4e5b9
	v ^= v >> 27
	v *= 0x94d049bb133111eb
	v ^= v >> 31
	return v
}
