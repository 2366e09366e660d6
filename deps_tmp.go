package main
import (
 _ "github.com/mattermost/mattermost/server/public/model"
 _ "go.etcd.io/bbolt"
 _ "github.com/robfig/cron/v3"
 _ "github.com/nicksnyder/go-i18n/v2/i18n"
 _ "github.com/prometheus/client_golang/prometheus"
 _ "github.com/gorilla/websocket"
 _ "golang.org/x/time/rate"
 _ "gopkg.in/yaml.v3"
 _ "github.com/google/go-cmp/cmp"
 _ "github.com/RocketChat/Rocket.Chat.Go.SDK/rest"
)
func main(){}
