package secret

import (
	"context"
	"fmt"
	"log/slog"
)

// NewHandler returns a slog.Handler that scrubs each record's message and
// attribute values with the secrets of s before h sees them. Values that
// are not strings or numbers (errors, structs) are passed on as their
// scrubbed text.
func NewHandler(h slog.Handler, s *Set) slog.Handler {
	if hh, ok := h.(*handler); ok && hh.set == s {
		return h
	}
	return &handler{h: h, set: s}
}

type handler struct {
	h   slog.Handler
	set *Set
}

func (h *handler) Enabled(ctx context.Context, l slog.Level) bool { return h.h.Enabled(ctx, l) }

func (h *handler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, h.set.Scrub(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.h.Handle(ctx, out)
}

func (h *handler) WithAttrs(as []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(as))
	for i, a := range as {
		clean[i] = h.attr(a)
	}
	return &handler{h: h.h.WithAttrs(clean), set: h.set}
}

func (h *handler) WithGroup(name string) slog.Handler {
	return &handler{h: h.h.WithGroup(name), set: h.set}
}

func (h *handler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		v = slog.StringValue(h.set.Scrub(v.String()))
	case slog.KindGroup:
		g := v.Group()
		clean := make([]slog.Attr, len(g))
		for i, ga := range g {
			clean[i] = h.attr(ga)
		}
		v = slog.GroupValue(clean...)
	case slog.KindAny:
		switch x := v.Any().(type) {
		case error:
			v = slog.StringValue(h.set.Scrub(x.Error()))
		case fmt.Stringer:
			v = slog.StringValue(h.set.Scrub(x.String()))
		default:
			v = slog.StringValue(h.set.Scrub(fmt.Sprintf("%+v", x)))
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}
